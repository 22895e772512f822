#include "cli/progress_printer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace replyd::cli {

std::string progress_bar(const client::JobStatus& status, int width) {
  std::optional<double> percent = status.percent;
  if (!percent && status.progress) percent = status.progress->percent();
  int filled = percent ? static_cast<int>(std::lround(std::clamp(*percent, 0.0, 100.0) * width / 100.0)) : 0;
  std::string bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
  std::string text = client::progress_text(status);
  return text.empty() ? bar : bar + " " + text;
}

void ProgressPrinter::clear_bar() {
  if (!bar_drawn_) return;
  out_ << "\r\033[K";  // back to the start of the line, erase it
  bar_drawn_ = false;
}

void ProgressPrinter::update(const client::JobStatus& status) {
  std::string progress = client::progress_text(status);
  if (status.status != last_state_ && !status.finished()) {
    clear_bar();
    out_ << status.status << "\n";
  }
  if (!progress.empty() && (progress != last_progress_ || (terminal_ && !bar_drawn_))) {
    if (terminal_) {
      clear_bar();
      out_ << progress_bar(status);
      bar_drawn_ = true;
    } else if (progress != last_progress_) {
      out_ << progress << "\n";
    }
  }
  out_.flush();
  last_state_ = status.status;
  last_progress_ = progress;
}

void ProgressPrinter::finish() {
  if (bar_drawn_) out_ << "\n";
  bar_drawn_ = false;
  out_.flush();
}

}  // namespace replyd::cli
