// Sends a file to a queue with XMLHttpRequest, the one browser API that reports the progress of a
// request body as it is sent (upload.onprogress); fetch() does not. The file goes as the raw body with
// its own Content-Type, and its name as ?filename= (the status document's `filename`).
import { ApiError } from "./api.js";

// Starts sending `file` to `queue`. on_progress(sent_bytes, total_bytes) while sending. Returns
// {done: Promise<status document>, abort()}; the promise rejects with an ApiError for a refusal, an
// Error for a network failure, and an Error named "AbortError" after abort().
export function send_file(queue, file, on_progress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    const params = new URLSearchParams({ filename: file.name });
    xhr.open("POST", `/v1/queues/${encodeURIComponent(queue)}/jobs?${params}`);
    xhr.setRequestHeader("Content-Type", file.type || "application/octet-stream");
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) on_progress(e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      if (xhr.status === 202 || xhr.status === 200) {
        on_progress(file.size, file.size);
        resolve(xhr.response);
      } else {
        reject(new ApiError(xhr.status, xhr.response));
      }
    });
    xhr.addEventListener("error", () => reject(new Error("the connection to the server failed")));
    xhr.addEventListener("abort", () => {
      const error = new Error("cancelled");
      error.name = "AbortError";
      reject(error);
    });
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}
