// The status document of a job (DESIGN.md section 3), as JSON. Fields that do not apply are absent.
#pragma once

#include "api/json_writer.h"
#include "core/job.h"

#include <string>
#include <string_view>

namespace replyd::api {

// Writes the document as one JSON value. `base_url` is the absolute base ("https://jobs.example.com"),
// used for the links.
void write_status_document(JsonWriter& writer, const Job& job, std::string_view base_url);

std::string status_document(const Job& job, std::string_view base_url);

// "{base_url}/v1/jobs/{id}" and "{base_url}/v1/jobs/{id}/result".
std::string job_url(std::string_view base_url, const JobId& id);
std::string result_url(std::string_view base_url, const JobId& id);

}  // namespace replyd::api
