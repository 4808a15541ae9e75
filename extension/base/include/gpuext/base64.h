// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// Standard base64 (RFC 4648 §4, with padding), as Go's encoding/json writes []byte fields:
// AdmissionReview patches, caBundles, kubeconfig certificate data, continue tokens. Pure functions,
// safe for concurrent use.

#include <string>
#include <string_view>

namespace gpuext {

[[nodiscard]] std::string Base64Encode(std::string_view raw);

// Decodes padded standard base64. Throws gpuext::Error(kInvalidArgument) with Go's wording,
// "illegal base64 data at input byte N", on a bad character or length.
[[nodiscard]] std::string Base64Decode(std::string_view text);

}  // namespace gpuext
