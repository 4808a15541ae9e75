// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#pragma once

// X.509 material for our TLS servers and clients: a self-signed CA and serving/client
// certificates signed by it, all as PEM text (what kubeconfigs, caBundles and Secrets carry).
//
//   CertificateAuthority ca = CertificateAuthority::Generate("kube-emulator-ca", 24h * 365);
//   KeyPair serving = ca.IssueServing({"localhost", "127.0.0.1"}, 24h * 365);
//   server.Use(serving.cert_pem, serving.key_pem);  client trusts ca.cert_pem()
//
// Keys are ECDSA P-256. Throws gpuext::Error(kInternal) when OpenSSL fails. Immutable values,
// safe for concurrent use.

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace gpuext::kube {

// A certificate and its private key, both PEM.
struct KeyPair {
  std::string cert_pem;
  std::string key_pem;
};

class CertificateAuthority {
 public:
  // A new self-signed CA (basicConstraints CA:TRUE, keyCertSign) with `common_name`, valid
  // from one hour ago (clock skew) for `validity`.
  static CertificateAuthority Generate(const std::string& common_name,
                                       std::chrono::seconds validity);
  // An existing CA; throws Error(kInvalidArgument) if the PEM does not parse, the key does
  // not match the certificate, or the certificate is not a CA.
  static CertificateAuthority FromPem(const KeyPair& ca);

  // A serving certificate (extendedKeyUsage serverAuth) for `hosts`: entries that parse as
  // IPv4/IPv6 addresses become IP SANs, the rest DNS SANs; the first is the common name.
  [[nodiscard]] KeyPair IssueServing(const std::vector<std::string>& hosts,
                                     std::chrono::seconds validity) const;
  // A client certificate (clientAuth) with CN = `user` and O = each of `groups`.
  [[nodiscard]] KeyPair IssueClient(const std::string& user, const std::vector<std::string>& groups,
                                    std::chrono::seconds validity) const;

  [[nodiscard]] const std::string& cert_pem() const { return ca_.cert_pem; }
  [[nodiscard]] const KeyPair& key_pair() const { return ca_; }

 private:
  explicit CertificateAuthority(KeyPair ca) : ca_(std::move(ca)) {}
  KeyPair ca_;
};

// Returns the notAfter time of the first certificate in `cert_pem`. Throws on bad PEM.
[[nodiscard]] std::chrono::system_clock::time_point CertificateNotAfter(
    const std::string& cert_pem);

// Returns the subjectAltName DNS and IP entries of the first certificate (IPs as text).
[[nodiscard]] std::vector<std::string> CertificateHosts(const std::string& cert_pem);

}  // namespace gpuext::kube
