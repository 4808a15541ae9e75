// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// X.509 generation and inspection with OpenSSL 3 (the rotation rule is in certs_rotation.cpp).
#include "gpuext/gardener/certs.h"

#include <ctime>
#include <memory>

#include <arpa/inet.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gpuext/error.h"

namespace gpuext::gardener {
namespace {

using std::chrono::system_clock;

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

// OpenSSL's own reason for the last failure, for the error message.
std::string OpenSslReason() {
  const unsigned long code = ERR_get_error();  // NOLINT(google-runtime-int): OpenSSL's type
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  ERR_clear_error();
  return buffer;
}

void Check(bool ok, const char* what) {
  if (!ok) {
    throw Error(ErrorCode::kInternal,
                std::string("certificates: ") + what + ": " + OpenSslReason());
  }
}

Owned<X509> ParseCertificate(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<X509> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  ERR_clear_error();
  return cert;
}

Owned<EVP_PKEY> ParseKey(const std::string& pem) {
  Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Owned<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                          : nullptr);
  ERR_clear_error();
  return key;
}

Owned<EVP_PKEY> GenerateKey(KeyAlgorithm algorithm) {
  Owned<EVP_PKEY> key(algorithm == KeyAlgorithm::kRsa2048 ? EVP_RSA_gen(2048)
                                                          : EVP_EC_gen("P-256"));
  Check(key != nullptr, "generating a private key");
  return key;
}

std::string CertToPem(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  Check(bio && PEM_write_bio_X509(bio.get(), cert) == 1, "encoding a certificate");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(size));
}

std::string KeyToPem(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  Check(bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "encoding a private key");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(size));
}

system_clock::time_point ToTimePoint(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return {};
  }
  return system_clock::from_time_t(timegm(&tm));
}

// A new certificate with a random 128-bit serial, subject CN and the validity window.
Owned<X509> NewCertificate(const std::string& common_name, system_clock::time_point not_before,
                           system_clock::time_point not_after, EVP_PKEY* key) {
  Owned<X509> cert(X509_new());
  Check(cert != nullptr, "allocating a certificate");
  Check(X509_set_version(cert.get(), 2) == 1, "setting the version");
  Owned<BIGNUM> serial(BN_new());
  Check(serial && BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
            BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr,
        "choosing a serial number");
  Check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), system_clock::to_time_t(not_before)) &&
            ASN1_TIME_set(X509_getm_notAfter(cert.get()), system_clock::to_time_t(not_after)),
        "setting the validity");
  X509_NAME* name = X509_get_subject_name(cert.get());
  Check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) == 1,
        "setting the common name");
  Check(X509_set_pubkey(cert.get(), key) == 1, "setting the public key");
  return cert;
}

void AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  Check(ext && X509_add_ext(cert, ext.get(), -1) == 1, "adding an extension");
}

}  // namespace

std::string CanonicalIpAddress(const std::string& text) {
  unsigned char raw[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, text.c_str(), raw) == 1) {
    return inet_ntop(AF_INET, raw, out, sizeof(out));
  }
  if (inet_pton(AF_INET6, text.c_str(), raw) == 1) {
    return inet_ntop(AF_INET6, raw, out, sizeof(out));
  }
  throw Error(ErrorCode::kInvalidArgument,
              "certificates: \"" + text + "\" is not an IPv4 or IPv6 address");
}

CertificateInfo InspectCertificate(const std::string& cert_pem) {
  const Owned<X509> cert = ParseCertificate(cert_pem);
  if (!cert) {
    throw Error(ErrorCode::kInvalidArgument, "certificates: not a PEM certificate");
  }
  CertificateInfo info;
  char cn[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof(cn)) >
      0) {
    info.common_name = cn;
  }
  info.not_before = ToTimePoint(X509_get0_notBefore(cert.get()));
  info.not_after = ToTimePoint(X509_get0_notAfter(cert.get()));
  info.is_ca = X509_check_ca(cert.get()) == 1;
  const Owned<GENERAL_NAMES> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* s = name->d.dNSName;
      info.dns_names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                  static_cast<size_t>(ASN1_STRING_length(s)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* s = name->d.iPAddress;
      const int length = ASN1_STRING_length(s);
      char out[INET6_ADDRSTRLEN] = {};
      if (length == 4 || length == 16) {
        inet_ntop(length == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(s), out, sizeof(out));
        info.ip_addresses.emplace_back(out);
      }
    }
  }
  return info;
}

std::vector<std::string> SplitPemCertificates(const std::string& pem) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::string> out;
  size_t pos = 0;
  while ((pos = pem.find(kBegin, pos)) != std::string::npos) {
    const size_t end = pem.find(kEnd, pos);
    if (end == std::string::npos) {
      break;
    }
    out.push_back(pem.substr(pos, end + kEnd.size() - pos) + "\n");
    pos = end + kEnd.size();
  }
  return out;
}

bool IsIssuedBy(const std::string& cert_pem, const std::string& ca_cert_pem) {
  const Owned<X509> cert = ParseCertificate(cert_pem);
  const Owned<X509> ca = ParseCertificate(ca_cert_pem);
  if (!cert || !ca) {
    return false;
  }
  const bool issued = X509_check_issued(ca.get(), cert.get()) == X509_V_OK &&
                      X509_verify(cert.get(), X509_get0_pubkey(ca.get())) == 1;
  ERR_clear_error();
  return issued;
}

bool KeyMatches(const CertificatePair& pair) {
  const Owned<X509> cert = ParseCertificate(pair.cert_pem);
  const Owned<EVP_PKEY> key = ParseKey(pair.key_pem);
  const bool matches = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  return matches;
}

CertificatePair GenerateCa(const CaOptions& options, const Clock& clock) {
  const auto now = clock.Now();
  const Owned<EVP_PKEY> key = GenerateKey(options.algorithm);
  // notBefore an hour early: kube-apiserver's clock may run behind ours.
  const Owned<X509> cert = NewCertificate(options.common_name, now - std::chrono::hours(1),
                                          now + options.validity, key.get());
  Check(X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) == 1,
        "setting the issuer");
  AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), cert.get(), NID_key_usage,
               "critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign");
  AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  Check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "signing the CA");
  return {.cert_pem = CertToPem(cert.get()), .key_pem = KeyToPem(key.get())};
}

CertificatePair IssueServingCertificate(const CertificatePair& ca, const ServingOptions& options,
                                        const Clock& clock) {
  const Owned<X509> ca_cert = ParseCertificate(ca.cert_pem);
  const Owned<EVP_PKEY> ca_key = ParseKey(ca.key_pem);
  if (!ca_cert || !ca_key || X509_check_private_key(ca_cert.get(), ca_key.get()) != 1) {
    ERR_clear_error();
    throw Error(ErrorCode::kInvalidArgument,
                "certificates: the CA certificate and key do not parse or do not match");
  }
  std::string san;
  for (const std::string& dns : options.dns_names) {
    san += (san.empty() ? "DNS:" : ",DNS:") + dns;
  }
  for (const std::string& ip : options.ip_addresses) {
    san += (san.empty() ? "IP:" : ",IP:") + CanonicalIpAddress(ip);
  }
  const auto now = clock.Now();
  auto not_after = now + options.validity;
  const auto ca_not_after = ToTimePoint(X509_get0_notAfter(ca_cert.get()));
  if (ca_not_after < not_after) {
    not_after = std::chrono::time_point_cast<system_clock::duration>(ca_not_after);
  }
  const Owned<EVP_PKEY> key = GenerateKey(options.algorithm);
  const Owned<X509> cert =
      NewCertificate(options.common_name, now - std::chrono::hours(1), not_after, key.get());
  Check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) == 1,
        "setting the issuer");
  AddExtension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), ca_cert.get(), NID_key_usage,
               "critical,digitalSignature,keyEncipherment");
  AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, "serverAuth");
  AddExtension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  if (!san.empty()) {
    AddExtension(cert.get(), ca_cert.get(), NID_subject_alt_name, san);
  }
  Check(X509_sign(cert.get(), ca_key.get(), EVP_sha256()) > 0, "signing the serving certificate");
  return {.cert_pem = CertToPem(cert.get()), .key_pem = KeyToPem(key.get())};
}

std::vector<std::string> ServiceDnsNames(const std::string& service, const std::string& ns) {
  return {service, service + "." + ns, service + "." + ns + ".svc",
          service + "." + ns + ".svc.cluster.local"};
}

}  // namespace gpuext::gardener
