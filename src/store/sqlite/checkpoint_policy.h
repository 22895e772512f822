// When the checkpointer (checkpointer.h) copies the WAL back into the database.
#pragma once

#include <functional>
#include <string_view>

namespace replyd::store::sqlite {

struct CheckpointPolicy {
  int passive_pages = 1000;    // a PASSIVE checkpoint each time the WAL grew by this many pages (~4 MB)
  int truncate_pages = 65536;  // a TRUNCATE when a PASSIVE one left the WAL over this (~256 MB) ...
  int truncate_every = 32;     // ... and after every this many PASSIVE ones
  int truncate_busy_timeout_ms = 200;  // the longest a TRUNCATE waits for readers and the writer
  // For tests: called on the checkpointer thread after each checkpoint, with its mode ("passive" or
  // "truncate") and whether it copied the whole WAL.
  std::function<void(std::string_view mode, bool complete)> on_checkpoint;
};

}  // namespace replyd::store::sqlite
