// Decoding a row of `webhook_deliveries` read with the columns of delivery_sql.h.
#pragma once

#include "store/job_store.h"
#include "store/sqlite/connection.h"

namespace replyd::store::sqlite {

WebhookDelivery read_delivery(const Statement& s);

}  // namespace replyd::store::sqlite
