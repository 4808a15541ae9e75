// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// The part of TOML that containerd configuration files use, as a JSON tree: tables are objects,
// arrays are arrays, strings/integers/floats/booleans are JSON scalars. Enough to read
// `containerd config default` / `config dump` output and to write what gardener-node-agent would
// write (DESIGN.md §12); not a general TOML library.
//
//   nlohmann::json config = ParseToml(text);              // throws on what it does not support
//   config["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["nvidia"] = ...;
//   std::string out = WriteToml(config);
//
// Supported: comments, `[a."b.c".d]` headers (bare, basic-quoted and literal-quoted keys),
// dotted keys on the left of `=`, basic strings with the usual escapes, literal strings,
// decimal integers, floats, booleans, single-line arrays of scalars. Not supported (an Error is
// thrown): arrays of tables `[[...]]`, inline tables, multi-line strings and arrays spanning
// lines, date-times, hex/octal/binary integers, redefining a key or a table.

#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace gpuext::gpuruntime {

// Parses `text`. Throws gpuext::Error(kInvalidArgument) with "line N: ..." on malformed or
// unsupported input.
nlohmann::json ParseToml(std::string_view text);

// Writes `document` (an object) as TOML: within each table the scalar and array keys first, in
// key order, then one `[header]` per sub-table, depth first, indented by two spaces per level
// as `containerd config default` indents. Tables that hold only sub-tables get no header of their
// own (TOML defines them implicitly); empty tables do. Throws gpuext::Error(kInvalidArgument)
// for null values, arrays of objects, or a non-object document.
std::string WriteToml(const nlohmann::json& document);

}  // namespace gpuext::gpuruntime
