// How `replyd wait` shows a job's progress. On a terminal: one line redrawn in place, a bar with the
// percentage and the worker's message ("[##########..........]  50% uploading"), and a line of its own
// for each state change. Elsewhere (a pipe, a log file): plain lines, one per state change and one per
// new progress text, never a carriage return.
//
// Thread-compatible.
#pragma once

#include "client/status_document.h"

#include <ostream>
#include <string>

namespace replyd::cli {

// "[#####...............]  25% message" with `width` cells; an unknown percentage draws an empty bar
// and shows current/total or the message only.
std::string progress_bar(const client::JobStatus& status, int width = 30);

class ProgressPrinter {
 public:
  ProgressPrinter(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

  // Every status seen, in order.
  void update(const client::JobStatus& status);
  // Ends a bar being drawn with a newline, so what follows starts on a fresh line.
  void finish();

 private:
  void clear_bar();

  std::ostream& out_;
  bool terminal_;
  bool bar_drawn_ = false;
  std::string last_state_;
  std::string last_progress_;
};

}  // namespace replyd::cli
