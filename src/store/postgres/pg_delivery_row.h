// Decoding a row of `webhook_deliveries` (text results, the columns of pg_delivery_sql.h).
#pragma once

#include "store/job_store.h"

#include <libpq-fe.h>

namespace replyd::store::postgres {

WebhookDelivery decode_delivery(const PGresult* r, int row);

}  // namespace replyd::store::postgres
