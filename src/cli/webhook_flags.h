// The webhook options of `replyd serve` (--webhook-*, --queue-callback), registered beside the others
// by serve_options.cpp.
#pragma once

#include "engine/webhook_options.h"

#include <CLI/CLI.hpp>

#include <memory>

namespace replyd::cli {

struct WebhookFlagValues;
std::shared_ptr<WebhookFlagValues> add_webhook_flags(CLI::App& command, engine::WebhookOptions& options);
// Converts and checks the parsed values; throws CLI::ValidationError (a malformed secret, a
// --queue-callback that is not QUEUE=URL or is refused, a callback without a secret).
void finish_webhook_flags(const WebhookFlagValues& values, engine::WebhookOptions& options);

}  // namespace replyd::cli
