#include "api/routes.h"

namespace replyd::api {

void register_routes(http::Router& router, ApiContext& context) {
  register_client_routes(router, context);
  register_event_routes(router, context);
  register_queue_event_routes(router, context);
  register_worker_routes(router, context);
  register_ops_routes(router, context);
  register_payload_routes(router, context);
  register_ui_routes(router, context);
}

}  // namespace replyd::api
