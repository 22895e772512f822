// Registers every endpoint of the API with the router: the client API (client_routes.cpp), event
// streams (event_routes.cpp, queue_event_routes.cpp), the worker protocol (worker_routes.cpp),
// operations (ops_routes.cpp), a job's payload (payload_routes.cpp) and the embedded UI
// (ui_routes.cpp). `context` must outlive the router.
#pragma once

#include "api/api_context.h"
#include "http/router.h"

namespace replyd::api {

void register_routes(http::Router& router, ApiContext& context);

void register_client_routes(http::Router& router, ApiContext& context);
void register_event_routes(http::Router& router, ApiContext& context);
void register_queue_event_routes(http::Router& router, ApiContext& context);
void register_worker_routes(http::Router& router, ApiContext& context);
void register_ops_routes(http::Router& router, ApiContext& context);
void register_ui_routes(http::Router& router, ApiContext& context);
void register_payload_routes(http::Router& router, ApiContext& context);

}  // namespace replyd::api
