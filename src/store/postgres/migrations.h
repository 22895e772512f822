// The versioned PostgreSQL schema migrations, embedded from src/store/postgres/migrations/*.sql
// (file names start with a zero-padded version: "0001_init.sql"); applied in path order.
#pragma once

#include "core/embedded.h"

#include <span>

namespace replyd::store::postgres {

std::span<const EmbeddedFile> embedded_files();

}  // namespace replyd::store::postgres
