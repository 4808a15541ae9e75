// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/emulator/admission/webhook_dispatcher.h"

#include <algorithm>
#include <future>
#include <set>
#include <utility>

#include <curl/curl.h>
#include <fmt/format.h>

#include "gpuext/emulator/admission/internal/call_hook.h"
#include "gpuext/emulator/admission/internal/matching.h"
#include "gpuext/error.h"
#include "gpuext/logger.h"

namespace gpuext::emulator::admission {
namespace {

using internal::CallHook;
using internal::CallOutcome;
using internal::Decision;
using internal::Denial;
using nlohmann::json;

// One webhook of one configuration.
struct Hook {
  std::string uid = {};  // "<configuration>/<webhook>/<index>": identity for reinvocation
  json spec = {};
};

// The webhooks of all configurations in kube-apiserver's order: configurations sorted by name,
// webhooks in the order they are listed.
std::vector<Hook> CollectHooks(const std::function<std::vector<json>()>& source) {
  if (!source) {
    return {};
  }
  std::vector<json> configurations = source();
  const auto name_of = [](const json& c) {
    return c.contains("metadata") ? c["metadata"].value("name", "") : std::string();
  };
  std::stable_sort(configurations.begin(), configurations.end(),
                   [&](const json& x, const json& y) { return name_of(x) < name_of(y); });
  std::vector<Hook> hooks;
  for (json& configuration : configurations) {
    const json webhooks = configuration.value("webhooks", json::array());
    for (size_t i = 0; i < webhooks.size(); ++i) {
      hooks.push_back(Hook{
          .uid = fmt::format("{}/{}/{}", name_of(configuration), webhooks[i].value("name", ""), i),
          .spec = webhooks[i]});
    }
  }
  return hooks;
}

bool IgnoresCallFailures(const json& webhook) {
  return webhook.value("failurePolicy", "Fail") == "Ignore";
}

// Adds warnings, dropping those already recorded (kube-apiserver's recorder deduplicates).
void AddWarnings(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const std::string& w : from) {
    if (std::find(to.begin(), to.end(), w) == to.end()) {
      to.push_back(w);
    }
  }
}

Result Deny(Result result, const Denial& d) {
  result.allowed = false;
  result.code = d.code;
  result.reason = d.reason;
  result.message = d.message;
  return result;
}

// What a finished call means for the request: nullopt lets it go on.
std::optional<Denial> Verdict(const Hook& hook, const CallOutcome& out) {
  switch (out.kind) {
    case CallOutcome::Kind::kAllowed:
      return std::nullopt;
    case CallOutcome::Kind::kRejected:
      return out.denial;
    case CallOutcome::Kind::kCallFailed:
      if (IgnoresCallFailures(hook.spec)) {
        Logger::Root()
            .WithName("admission")
            .Info("Failed calling webhook, failing open",
                  {{"webhook", hook.spec.value("name", "")}, {"error", out.error}});
        return std::nullopt;
      }
      return internal::InternalError(out.error);
  }
  return std::nullopt;
}

// The mutating dispatcher's reinvocation bookkeeping (webhookReinvokeContext).
struct Reinvocation {
  std::set<std::string> previously_invoked = {};  // IfNeeded webhooks called since a change
  std::set<std::string> reinvoke = {};            // webhooks to call in the second round
  bool should_reinvoke = false;

  void ObjectChanged() {
    reinvoke.insert(previously_invoked.begin(), previously_invoked.end());
    previously_invoked.clear();
    should_reinvoke = true;
  }
};

}  // namespace

WebhookDispatcher::WebhookDispatcher(Environment env) : env_(std::move(env)) {
  static const CURLcode init = curl_global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    throw Error(ErrorCode::kInternal,
                fmt::format("curl_global_init failed: {}", curl_easy_strerror(init)));
  }
}

Result WebhookDispatcher::Mutate(const Attributes& a, json object) const {
  Result result;
  result.object = std::move(object);
  if (internal::IsExemptConfigurationResource(a)) {
    return result;
  }
  const std::vector<Hook> hooks = CollectHooks(env_.mutating_configurations);
  Reinvocation state;
  for (int round = 0; round < 2 && (round == 0 || state.should_reinvoke); ++round) {
    for (const Hook& hook : hooks) {
      const Decision decision = internal::ShouldCall(hook.spec, a, result.object, env_);
      if (decision.denial) {
        return Deny(std::move(result), *decision.denial);
      }
      // The second round only calls webhooks called before that asked for it: one skipped in
      // the first round (say, by a selector) is not called for the first time now.
      if (!decision.call || (round == 1 && !state.reinvoke.contains(hook.uid))) {
        continue;
      }
      CallOutcome out = CallHook(hook.spec, a, result.object, /*mutating=*/true, env_);
      AddWarnings(result.warnings, out.warnings);
      if (out.patched && *out.patched != result.object) {
        result.object = std::move(*out.patched);
        state.ObjectChanged();
      }
      if (hook.spec.value("reinvocationPolicy", "Never") == "IfNeeded") {
        state.previously_invoked.insert(hook.uid);
      }
      if (std::optional<Denial> denial = Verdict(hook, out)) {
        return Deny(std::move(result), *denial);
      }
    }
  }
  return result;
}

Result WebhookDispatcher::Validate(const Attributes& a, const json& object) const {
  Result result;
  result.object = object;
  if (internal::IsExemptConfigurationResource(a)) {
    return result;
  }
  const std::vector<Hook> hooks = CollectHooks(env_.validating_configurations);
  std::vector<const Hook*> relevant;
  for (const Hook& hook : hooks) {
    const Decision decision = internal::ShouldCall(hook.spec, a, object, env_);
    if (decision.denial) {
      return Deny(std::move(result), *decision.denial);
    }
    if (decision.call) {
      relevant.push_back(&hook);
    }
  }
  // kube-apiserver calls validating webhooks in parallel; so does this. Every future is waited
  // for below, so the references the calls hold stay valid.
  std::vector<std::future<CallOutcome>> calls;
  calls.reserve(relevant.size());
  for (const Hook* hook : relevant) {
    calls.push_back(std::async(std::launch::async, [this, hook, &a, &object] {
      return CallHook(hook->spec, a, object, /*mutating=*/false, env_);
    }));
  }
  std::optional<Denial> first_denial;
  for (size_t i = 0; i < calls.size(); ++i) {
    const CallOutcome out = calls[i].get();
    AddWarnings(result.warnings, out.warnings);
    std::optional<Denial> denial = Verdict(*relevant[i], out);
    if (denial && !first_denial) {
      first_denial = std::move(denial);
    }
  }
  return first_denial ? Deny(std::move(result), *first_denial) : result;
}

}  // namespace gpuext::emulator::admission
