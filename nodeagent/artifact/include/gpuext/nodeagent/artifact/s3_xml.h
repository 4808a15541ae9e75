// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The little XML the S3 client reads: error bodies (<Error><Code/><Message/></Error>),
// ListObjectsV2 results, multipart upload ids. S3 answers are flat, namespace-free documents
// without CDATA, so a scanner for <Tag>text</Tag> elements is enough; it tolerates attributes,
// self-closing elements, the XML declaration and whitespace, and decodes the five named entities
// and numeric character references.
//
//   XmlChildText(body, "Code")                  // "SignatureDoesNotMatch"
//   for (auto& c : XmlElements(body, "Contents")) { XmlChildText(c, "Key"); }

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gpuext::nodeagent::artifact {

// The raw inner text of every <tag>…</tag> (or "" for <tag/>) in document order, not
// descending into a matched element (so nested elements of the same name are not returned twice).
[[nodiscard]] std::vector<std::string_view> XmlElements(std::string_view xml, std::string_view tag);

// The decoded text of the first <tag> element, or nullopt when there is none.
[[nodiscard]] std::optional<std::string> XmlChildText(std::string_view xml, std::string_view tag);

// Decodes &amp; &lt; &gt; &quot; &apos; &#N; &#xN; (as UTF-8); unknown entities stay as written.
[[nodiscard]] std::string XmlUnescape(std::string_view text);

// Escapes & < > " ' for element text.
[[nodiscard]] std::string XmlEscape(std::string_view text);

}  // namespace gpuext::nodeagent::artifact
