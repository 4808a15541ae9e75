// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "client_fixture.h"
#include "gpuext/kube/api_error.h"
#include "gpuext/kube/object.h"

namespace gpuext::kube::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

class WatchTest : public ClientTest {
 protected:
  emulator::ServerOptions ServerOptions() override {
    // A short history makes "too old" reachable; frequent bookmarks keep the test quick.
    return {.listen = "127.0.0.1:0", .watch_history = 50, .bookmark_interval = 200ms};
  }

  // The next event that is not a bookmark (bookmarks are counted).
  WatchEvent NextChange(WatchStream& stream) {
    while (true) {
      std::optional<WatchEvent> event = stream.Next();
      if (!event) {
        ADD_FAILURE() << "the watch ended";
        return {WatchEvent::Type::kError, json()};
      }
      if (event->type != WatchEvent::Type::kBookmark) {
        return *event;
      }
      ++bookmarks_;
    }
  }

  int bookmarks_ = 0;
};

TEST_F(WatchTest, StreamsChangesFromAResourceVersionWithBookmarks) {
  const json before = client_->Create(kConfigMaps, ConfigMap("before"));
  ListOptions options = InNamespace();
  options.resource_version = ResourceVersion(before);
  std::stop_source stop;
  auto stream = client_->Watch(kConfigMaps, options, stop.get_token());

  client_->Create(kConfigMaps, ConfigMap("w", {{"v", "1"}}));
  client_->Patch(kConfigMaps, {kNs, "w"}, PatchType::kMerge, {{"data", {{"v", "2"}}}});
  client_->Delete(kConfigMaps, {kNs, "w"});

  WatchEvent added = NextChange(*stream);
  EXPECT_EQ(added.type, WatchEvent::Type::kAdded);
  EXPECT_EQ(Name(added.object), "w");
  WatchEvent modified = NextChange(*stream);
  EXPECT_EQ(modified.type, WatchEvent::Type::kModified);
  EXPECT_EQ(modified.object["data"]["v"], "2");
  WatchEvent deleted = NextChange(*stream);
  EXPECT_EQ(deleted.type, WatchEvent::Type::kDeleted);
  EXPECT_EQ(Name(deleted.object), "w");

  // With nothing happening, bookmarks carry the current resourceVersion.
  std::optional<WatchEvent> bookmark = stream->Next();
  ASSERT_TRUE(bookmark.has_value());
  EXPECT_EQ(bookmark->type, WatchEvent::Type::kBookmark);
  EXPECT_FALSE(ResourceVersion(bookmark->object).empty());
}

TEST_F(WatchTest, WithoutResourceVersionStartsWithSyntheticAdds) {
  client_->Create(kConfigMaps, ConfigMap("existing"));
  ListOptions options = InNamespace();
  options.allow_watch_bookmarks = false;
  auto stream = client_->Watch(kConfigMaps, options, std::stop_token());
  const WatchEvent first = NextChange(*stream);
  EXPECT_EQ(first.type, WatchEvent::Type::kAdded);
  EXPECT_EQ(Name(first.object), "existing");
}

TEST_F(WatchTest, TooOldResourceVersionEndsWithGone) {
  const json first = client_->Create(kConfigMaps, ConfigMap("old"));
  for (int i = 0; i < 80; ++i) {
    client_->Patch(kConfigMaps, {kNs, "old"}, PatchType::kMerge,
                   {{"data", {{"i", std::to_string(i)}}}});
  }
  ListOptions options = InNamespace();
  options.resource_version = ResourceVersion(first);
  try {
    auto stream = client_->Watch(kConfigMaps, options, std::stop_token());
    const WatchEvent event = NextChange(*stream);
    ASSERT_EQ(event.type, WatchEvent::Type::kError);
    EXPECT_EQ(event.object["kind"], "Status");
    EXPECT_EQ(event.object["code"], 410);
    EXPECT_FALSE(stream->Next().has_value());
  } catch (const ApiError& e) {
    EXPECT_TRUE(IsGone(e)) << e.what();  // the other way a server may say it
  }
}

TEST_F(WatchTest, StopTokenEndsABlockedNextPromptly) {
  ListOptions options = InNamespace();
  options.allow_watch_bookmarks = false;
  std::stop_source stop;
  auto stream = client_->Watch(kConfigMaps, options, stop.get_token());
  std::chrono::steady_clock::time_point stopped_at;
  std::jthread stopper([&] {
    // Real time: the point is that a blocked Next wakes up without waiting for data.
    std::this_thread::sleep_for(200ms);
    stopped_at = std::chrono::steady_clock::now();
    stop.request_stop();
  });
  EXPECT_FALSE(stream->Next().has_value());
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped_at, 500ms);
  EXPECT_FALSE(stream->Next().has_value());
}

TEST_F(WatchTest, ServerTimeoutEndsTheStream) {
  ListOptions options = InNamespace();
  options.allow_watch_bookmarks = false;
  options.timeout_seconds = 1;
  auto stream = client_->Watch(kConfigMaps, options, std::stop_token());
  EXPECT_FALSE(stream->Next().has_value());
}

TEST_F(WatchTest, SelectorsFilterEvents) {
  ListOptions options = InNamespace();
  options.label_selector = "watched=yes";
  options.allow_watch_bookmarks = false;
  auto stream = client_->Watch(kConfigMaps, options, std::stop_token());
  client_->Create(kConfigMaps, ConfigMap("ignored"));
  json watched = ConfigMap("seen");
  SetLabel(watched, "watched", "yes");
  client_->Create(kConfigMaps, watched);
  const WatchEvent event = NextChange(*stream);
  EXPECT_EQ(Name(event.object), "seen");
}

}  // namespace
}  // namespace gpuext::kube::testing
