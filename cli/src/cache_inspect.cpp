// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include <cstdio>

#include <nlohmann/json.hpp>

#include "gpuext/cli/cache.h"
#include "gpuext/error.h"

// `gpu cache inspect <key>`.

namespace gpuext::cli {

namespace artifact = nodeagent::artifact;
using nlohmann::json;

CacheInspection InspectCache(CacheSource& source, const artifact::ArtifactKey& key,
                             const std::optional<artifact::PublicKey>& public_key) {
  const auto text = source.GetManifest(key);
  if (!text) {
    throw Error(ErrorCode::kNotFound, "no manifest for " + key.Path() + " in " + source.Describe() +
                                          " (list the keys with `gpu cache ls`)");
  }
  CacheInspection out{.manifest = artifact::DecodeManifest(*text)};
  if (public_key) {
    const std::vector<artifact::PublicKey> trusted = {*public_key};
    const auto check = artifact::VerifyManifestSignature(out.manifest, trusted);
    out.signature = check.ok() ? "valid" : std::string(artifact::ToString(check.status));
    out.signature_message = check.message;
  }
  return out;
}

json CacheInspectionToJson(const CacheInspection& x) {
  return {{"manifest", artifact::ManifestToJson(x.manifest)},
          {"signature", {{"status", x.signature}, {"message", x.signature_message}}}};
}

std::string RenderCacheInspection(const CacheInspection& x, const Palette& palette) {
  const auto& m = x.manifest;
  std::string out;
  out += "Key:       " + m.key.Path() + "\n";
  out += "Created:   " + m.created + "\n";
  out += "Builder:   image=" + m.builder.image + " recipe=" + m.builder.recipe +
         " job=" + m.builder.job_name + " cluster=" + m.builder.cluster +
         " signedModules=" + (m.builder.signed_modules ? "true" : "false") + "\n";
  if (!m.vermagic.empty()) {
    out += "Vermagic:  " + m.vermagic + "\n";
  }
  std::string signer = m.signature ? m.signature->key_id : std::string("(unsigned)");
  const Colour colour = x.signature == "valid"       ? Colour::kGreen
                        : x.signature == "unchecked" ? Colour::kNone
                                                     : Colour::kRed;
  std::string verdict =
      x.signature == "unchecked" ? "not checked (pass --public-key)" : x.signature;
  if (!x.signature_message.empty()) {
    verdict += ": " + x.signature_message;
  }
  out += "Signature: " + signer + " " + palette.Paint(verdict, colour) + "\n";
  out += "\nBlobs:\n";
  Table blobs({"DIGEST", "SIZE", "MEDIA TYPE"}, "  ");
  for (const auto& b : m.blobs) {
    blobs.AddRow({{b.digest}, {HumanBytes(b.size)}, {b.media_type}});
  }
  out += blobs.Render(palette);
  out += "\nFiles:\n";
  Table files({"PATH", "SIZE", "MODE", "SHA256"}, "  ");
  for (const auto& f : m.files) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(f.mode));
    files.AddRow({{f.link_target.empty() ? f.path : f.path + " -> " + f.link_target},
                  {std::to_string(f.size)},
                  {mode},
                  {f.sha256}});
  }
  out += files.Render(palette);
  return out;
}

}  // namespace gpuext::cli
