// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// Watch streams over libcurl. The consumer's Next() drives the transfer itself through a curl
// multi handle: bytes are read only when events are wanted, so memory stays bounded by TCP flow
// control (no unbounded queue, no extra thread), and a stop request wakes curl_multi_poll at
// once through curl_multi_wakeup.
#include <deque>
#include <optional>

#include <fmt/format.h>

#include "gpuext/error.h"
#include "http_watch.h"

namespace gpuext::kube::internal {

using nlohmann::json;

void JsonObjectSplitter::Feed(std::string_view data, std::vector<std::string>& out) {
  for (const char c : data) {
    if (depth_ == 0) {
      if (c == '{') {
        depth_ = 1;
        current_.push_back(c);
      }
      // Whitespace (and the emulator's empty liveness writes) between objects is skipped.
      continue;
    }
    current_.push_back(c);
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        out.push_back(std::move(current_));
        current_.clear();
      }
    }
  }
}

WatchEvent DecodeWatchEvent(const std::string& text) {
  json event = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object() || !event.contains("type") || !event["type"].is_string()) {
    throw Error(ErrorCode::kInternal, "watch: the server sent an event without a type");
  }
  const std::string type = event["type"].get<std::string>();
  WatchEvent out{WatchEvent::Type::kError, std::move(event["object"])};
  if (type == "ADDED") {
    out.type = WatchEvent::Type::kAdded;
  } else if (type == "MODIFIED") {
    out.type = WatchEvent::Type::kModified;
  } else if (type == "DELETED") {
    out.type = WatchEvent::Type::kDeleted;
  } else if (type == "BOOKMARK") {
    out.type = WatchEvent::Type::kBookmark;
  } else if (type != "ERROR") {
    throw Error(ErrorCode::kInternal,
                fmt::format("watch: the server sent an event of unknown type \"{}\"", type));
  }
  return out;
}

namespace {

// Caps how much of a failed watch's answer is kept for the error message.
constexpr size_t kMaxErrorBody = 64 * 1024;

// One open watch. Confined to the consuming thread (the stop callback only wakes curl).
class HttpWatchStream final : public WatchStream {
 public:
  HttpWatchStream(Transport& transport, std::string resource, std::string path,
                  std::stop_token stop)
      : transport_(transport),
        resource_(std::move(resource)),
        path_(std::move(path)),
        stop_(std::move(stop)),
        multi_(curl_multi_init()),
        easy_(MakeCurlEasy()) {
    if (multi_ == nullptr) {
      throw Error(ErrorCode::kInternal, "curl_multi_init failed");
    }
  }

  ~HttpWatchStream() override {
    wake_.reset();
    if (added_) {
      curl_multi_remove_handle(multi_.get(), easy_.get());
    }
  }

  HttpWatchStream(const HttpWatchStream&) = delete;
  HttpWatchStream& operator=(const HttpWatchStream&) = delete;

  // Sends the request and waits for the answer's headers.
  void Open() {
    transport_.Throttle();
    const AuthInfo auth = transport_.Auth();
    transport_.Configure(easy_.get(), path_, auth, /*streaming=*/true, headers_);
    curl_easy_setopt(easy_.get(), CURLOPT_HTTPHEADER, headers_.get());
    curl_easy_setopt(easy_.get(), CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(easy_.get(), CURLOPT_WRITEFUNCTION, &HttpWatchStream::OnData);
    curl_easy_setopt(easy_.get(), CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy_.get(), CURLOPT_HEADERFUNCTION, &HttpWatchStream::OnHeader);
    curl_easy_setopt(easy_.get(), CURLOPT_HEADERDATA, this);
    if (curl_multi_add_handle(multi_.get(), easy_.get()) != CURLM_OK) {
      throw Error(ErrorCode::kInternal, "curl_multi_add_handle failed");
    }
    added_ = true;
    wake_.emplace(stop_, Wake{multi_.get()});

    const auto started = std::chrono::steady_clock::now();
    while (!headers_done_ && !finished_ && !stop_.stop_requested()) {
      Pump();
    }
    transport_.Observe(RequestRecord{"WATCH", resource_, headers_done_ ? status_ : 0,
                                     std::chrono::steady_clock::now() - started});
    if (stop_.stop_requested() && !headers_done_) {
      return;  // Next() reports the end
    }
    if (!headers_done_) {
      throw Error(ErrorCode::kRetryableInfraDependencies,
                  fmt::format("watch {}{}: {}", transport_.config().server,
                              path_.substr(0, path_.find('?')), curl_easy_strerror(result_)));
    }
    if (status_ < 200 || status_ >= 300) {
      if (status_ == 401) {
        (void)transport_.InvalidateAuth();  // the caller's next watch reads them again
      }
      while (!finished_ && !stop_.stop_requested()) {
        Pump();
      }
      throw ApiErrorFromResponse(status_, error_body_);
    }
  }

  std::optional<WatchEvent> Next() override {
    while (true) {
      if (!ready_.empty()) {
        std::string text = std::move(ready_.front());
        ready_.pop_front();
        return DecodeWatchEvent(text);
      }
      if (finished_ || stop_.stop_requested()) {
        return std::nullopt;
      }
      Pump();
    }
  }

 private:
  struct Wake {
    CURLM* multi;
    void operator()() const { curl_multi_wakeup(multi); }
  };

  static size_t OnHeader(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<HttpWatchStream*>(self_ptr);
    const std::string_view line(data, size * count);
    if (line == "\r\n" || line == "\n") {
      long status = 0;
      curl_easy_getinfo(self->easy_.get(), CURLINFO_RESPONSE_CODE, &status);
      // An interim 1xx answer is followed by another header block.
      if (status >= 200) {
        self->status_ = static_cast<int>(status);
        self->headers_done_ = true;
      }
    }
    return size * count;
  }

  static size_t OnData(char* data, size_t size, size_t count, void* self_ptr) {
    auto* self = static_cast<HttpWatchStream*>(self_ptr);
    const std::string_view chunk(data, size * count);
    if (self->status_ >= 200 && self->status_ < 300) {
      std::vector<std::string> objects;
      self->splitter_.Feed(chunk, objects);
      for (auto& o : objects) {
        self->ready_.push_back(std::move(o));
      }
    } else if (self->error_body_.size() < kMaxErrorBody) {
      self->error_body_.append(chunk.substr(0, kMaxErrorBody - self->error_body_.size()));
    }
    return size * count;
  }

  // Moves the transfer forward once, waiting up to a second for the socket or a wakeup.
  void Pump() {
    int running = 0;
    const CURLMcode mc = curl_multi_perform(multi_.get(), &running);
    if (mc != CURLM_OK) {
      finished_ = true;
      result_ = CURLE_RECV_ERROR;
      return;
    }
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &left)) {
      if (msg->msg == CURLMSG_DONE) {
        finished_ = true;
        result_ = msg->data.result;
      }
    }
    if (finished_ || !ready_.empty() || stop_.stop_requested()) {
      return;
    }
    curl_multi_poll(multi_.get(), nullptr, 0, 1000, nullptr);
  }

  Transport& transport_;
  const std::string resource_;
  const std::string path_;
  std::stop_token stop_;
  CurlMulti multi_;
  CurlEasy easy_;
  CurlSlist headers_;
  bool added_ = false;
  std::optional<std::stop_callback<Wake>> wake_;

  JsonObjectSplitter splitter_;
  std::deque<std::string> ready_;  // complete event texts not yet handed out
  std::string error_body_;
  bool headers_done_ = false;
  bool finished_ = false;
  int status_ = 0;
  CURLcode result_ = CURLE_OK;
};

}  // namespace

std::unique_ptr<WatchStream> StartWatch(Transport& transport, const std::string& resource,
                                        const std::string& path, std::stop_token stop) {
  auto stream = std::make_unique<HttpWatchStream>(transport, resource, path, std::move(stop));
  stream->Open();
  return stream;
}

}  // namespace gpuext::kube::internal
