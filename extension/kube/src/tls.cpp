// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/tls.h"

#include <array>
#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "gpuext/error.h"

namespace gpuext::kube {
namespace {

using std::chrono::system_clock;

// ---------------------------------------------------------------------------------------------
// RAII owners for the OpenSSL handles used below.

template <auto Free>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* handle) const {
    Free(handle);
  }
};

using Bignum = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using Bio = std::unique_ptr<BIO, OpenSslDeleter<BIO_free_all>>;
using EvpPkey = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY_free>>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using GeneralName = std::unique_ptr<GENERAL_NAME, OpenSslDeleter<GENERAL_NAME_free>>;
using GeneralNames = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using OctetString = std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING_free>>;
using Ia5String = std::unique_ptr<ASN1_IA5STRING, OpenSslDeleter<ASN1_IA5STRING_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509Extension = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using X509Name = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;

// Drains this thread's OpenSSL error queue into one line.
std::string OpenSslErrors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    std::array<char, 256> buffer{};
    ERR_error_string_n(code, buffer.data(), buffer.size());
    out += (out.empty() ? "" : "; ") + std::string(buffer.data());
  }
  return out.empty() ? "no OpenSSL error recorded" : out;
}

[[noreturn]] void Fail(ErrorCode code, std::string_view what) {
  throw Error(code, fmt::format("{}: {}", what, OpenSslErrors()));
}

// OpenSSL's calls answer 1 on success (X509_sign: a positive size).
void Check(int rc, std::string_view what) {
  if (rc <= 0) {
    Fail(ErrorCode::kInternal, what);
  }
}

template <typename T>
T NotNull(T handle, std::string_view what) {
  if (handle == nullptr) {
    Fail(ErrorCode::kInternal, what);
  }
  return handle;
}

// ---------------------------------------------------------------------------------------------
// PEM in and out.

Bio NewMemoryBio() { return Bio(NotNull(BIO_new(BIO_s_mem()), "BIO_new")); }

Bio ReadOnlyBio(const std::string& pem) {
  return Bio(NotNull(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), "BIO_new"));
}

std::string BioText(BIO* bio) {
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio, &memory);
  return std::string(memory->data, memory->length);
}

std::string CertificateToPem(X509* cert) {
  Bio bio = NewMemoryBio();
  Check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
  return BioText(bio.get());
}

// Unencrypted PKCS#8 ("BEGIN PRIVATE KEY").
std::string KeyToPem(EVP_PKEY* key) {
  Bio bio = NewMemoryBio();
  Check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "PEM_write_bio_PrivateKey");
  return BioText(bio.get());
}

// Throws Error(`code`) when the text holds no PEM certificate.
X509Ptr ParseCertificate(const std::string& pem, ErrorCode code) {
  Bio bio = ReadOnlyBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) {
    Fail(code, "certificate PEM does not parse");
  }
  return cert;
}

EvpPkey ParsePrivateKey(const std::string& pem, ErrorCode code) {
  Bio bio = ReadOnlyBio(pem);
  EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    Fail(code, "private key PEM does not parse");
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// Building certificates.

EvpPkey GenerateP256Key() {
  EvpPkeyCtx ctx(
      NotNull(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr), "EVP_PKEY_CTX_new_from_name"));
  Check(EVP_PKEY_keygen_init(ctx.get()), "EVP_PKEY_keygen_init");
  Check(EVP_PKEY_CTX_set_group_name(ctx.get(), "P-256"), "EVP_PKEY_CTX_set_group_name");
  EVP_PKEY* raw = nullptr;
  Check(EVP_PKEY_generate(ctx.get(), &raw), "EVP_PKEY_generate");
  return EvpPkey(raw);
}

// A random, positive, non-zero serial of up to 128 bits, as Go's crypto/x509 users draw it.
void SetRandomSerial(X509* cert) {
  Bignum serial(NotNull(BN_new(), "BN_new"));
  do {
    Check(BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
  } while (BN_is_zero(serial.get()));
  NotNull(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)), "BN_to_ASN1_INTEGER");
}

// Valid from an hour ago, so that peers whose clocks lag still accept it, for `validity`.
void SetValidity(X509* cert, std::chrono::seconds validity) {
  const system_clock::time_point now = system_clock::now();
  NotNull(ASN1_TIME_set(X509_getm_notBefore(cert),
                        system_clock::to_time_t(now - std::chrono::hours(1))),
          "ASN1_TIME_set(notBefore)");
  NotNull(ASN1_TIME_set(X509_getm_notAfter(cert), system_clock::to_time_t(now + validity)),
          "ASN1_TIME_set(notAfter)");
}

// `entries` are (short name, value) pairs in order, e.g. {"O", "system:masters"}, {"CN", "u"}.
X509Name MakeName(const std::vector<std::pair<std::string, std::string>>& entries) {
  X509Name name(NotNull(X509_NAME_new(), "X509_NAME_new"));
  for (const auto& [field, value] : entries) {
    Check(X509_NAME_add_entry_by_txt(name.get(), field.c_str(), MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.data()),
                                     static_cast<int>(value.size()), -1, 0),
          fmt::format("X509_NAME_add_entry_by_txt({}={})", field, value));
  }
  return name;
}

// Adds an extension written in openssl.cnf syntax ("critical,CA:TRUE"). `issuer` is needed by
// authorityKeyIdentifier; for a self-signed certificate it is `cert` itself.
void AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx{};
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509Extension extension(NotNull(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value),
                                  fmt::format("X509V3_EXT_conf_nid({})", OBJ_nid2sn(nid))));
  Check(X509_add_ext(cert, extension.get(), -1), "X509_add_ext");
}

// An IP SAN for anything inet_pton takes as IPv4 or IPv6, else a DNS SAN.
GeneralName MakeGeneralName(const std::string& host) {
  GeneralName name(NotNull(GENERAL_NAME_new(), "GENERAL_NAME_new"));
  std::array<unsigned char, 16> address{};
  int length = 0;
  if (inet_pton(AF_INET, host.c_str(), address.data()) == 1) {
    length = 4;
  } else if (inet_pton(AF_INET6, host.c_str(), address.data()) == 1) {
    length = 16;
  }
  if (length > 0) {
    OctetString ip(NotNull(ASN1_OCTET_STRING_new(), "ASN1_OCTET_STRING_new"));
    Check(ASN1_OCTET_STRING_set(ip.get(), address.data(), length), "ASN1_OCTET_STRING_set");
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, ip.release());
  } else {
    Ia5String dns(NotNull(ASN1_IA5STRING_new(), "ASN1_IA5STRING_new"));
    Check(ASN1_STRING_set(dns.get(), host.data(), static_cast<int>(host.size())),
          "ASN1_STRING_set");
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, dns.release());
  }
  return name;
}

void AddSubjectAltNames(X509* cert, const std::vector<std::string>& hosts) {
  GeneralNames names(NotNull(sk_GENERAL_NAME_new_null(), "sk_GENERAL_NAME_new_null"));
  for (const std::string& host : hosts) {
    GeneralName name = MakeGeneralName(host);
    Check(sk_GENERAL_NAME_push(names.get(), name.get()), "sk_GENERAL_NAME_push");
    name.release();  // owned by `names` now
  }
  Check(X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT),
        "X509_add1_ext_i2d(subjectAltName)");
}

// A version 3 certificate with a fresh serial, `subject` and `key`'s public key; issuer and
// signature are left to the caller.
X509Ptr NewCertificate(const X509Name& subject, EVP_PKEY* key, std::chrono::seconds validity) {
  X509Ptr cert(NotNull(X509_new(), "X509_new"));
  Check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
  SetRandomSerial(cert.get());
  SetValidity(cert.get(), validity);
  Check(X509_set_subject_name(cert.get(), subject.get()), "X509_set_subject_name");
  Check(X509_set_pubkey(cert.get(), key), "X509_set_pubkey");
  return cert;
}

void Sign(X509* cert, EVP_PKEY* key) { Check(X509_sign(cert, key, EVP_sha256()), "X509_sign"); }

void CheckValidity(std::chrono::seconds validity) {
  if (validity <= std::chrono::seconds::zero()) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("certificate validity must be positive, got {}s", validity.count()));
  }
}

// What a leaf certificate adds on top of the common part.
struct LeafProfile {
  const char* extended_key_usage = "";
  std::vector<std::string> hosts;  // SANs; none for client certificates
};

// Issues a leaf certificate for a new key, signed by the CA in `ca`.
KeyPair IssueLeaf(const KeyPair& ca, const X509Name& subject, const LeafProfile& profile,
                  std::chrono::seconds validity) {
  CheckValidity(validity);
  const X509Ptr ca_cert = ParseCertificate(ca.cert_pem, ErrorCode::kInternal);
  const EvpPkey ca_key = ParsePrivateKey(ca.key_pem, ErrorCode::kInternal);
  const EvpPkey key = GenerateP256Key();
  const X509Ptr cert = NewCertificate(subject, key.get(), validity);
  Check(X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())),
        "X509_set_issuer_name");
  AddExtension(cert.get(), ca_cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  AddExtension(cert.get(), ca_cert.get(), NID_key_usage, "critical,digitalSignature");
  AddExtension(cert.get(), ca_cert.get(), NID_ext_key_usage, profile.extended_key_usage);
  AddExtension(cert.get(), ca_cert.get(), NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), ca_cert.get(), NID_authority_key_identifier, "keyid:always");
  if (!profile.hosts.empty()) {
    AddSubjectAltNames(cert.get(), profile.hosts);
  }
  Sign(cert.get(), ca_key.get());
  return {CertificateToPem(cert.get()), KeyToPem(key.get())};
}

// ---------------------------------------------------------------------------------------------
// Reading certificates.

// The longest common name X.509 allows (ub-common-name); OpenSSL refuses longer ones.
constexpr size_t kMaxCommonNameLength = 64;

system_clock::time_point ToTimePoint(const ASN1_TIME* time) {
  std::tm tm{};
  Check(ASN1_TIME_to_tm(time, &tm), "ASN1_TIME_to_tm");
  const std::chrono::sys_days day = std::chrono::year(tm.tm_year + 1900) /
                                    std::chrono::month(static_cast<unsigned>(tm.tm_mon + 1)) /
                                    std::chrono::day(static_cast<unsigned>(tm.tm_mday));
  return system_clock::time_point(day) + std::chrono::hours(tm.tm_hour) +
         std::chrono::minutes(tm.tm_min) + std::chrono::seconds(tm.tm_sec);
}

std::string IpAddressText(const ASN1_OCTET_STRING* address) {
  const unsigned char* bytes = ASN1_STRING_get0_data(address);
  const int length = ASN1_STRING_length(address);
  std::array<char, INET6_ADDRSTRLEN> text{};
  const int family = length == 4 ? AF_INET : (length == 16 ? AF_INET6 : 0);
  if (family == 0 || inet_ntop(family, bytes, text.data(), text.size()) == nullptr) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("subjectAltName holds an IP address of {} bytes", length));
  }
  return text.data();
}

}  // namespace

CertificateAuthority CertificateAuthority::Generate(const std::string& common_name,
                                                    std::chrono::seconds validity) {
  CheckValidity(validity);
  const EvpPkey key = GenerateP256Key();
  const X509Name name = MakeName({{"CN", common_name}});
  const X509Ptr cert = NewCertificate(name, key.get(), validity);
  Check(X509_set_issuer_name(cert.get(), name.get()), "X509_set_issuer_name");
  AddExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  AddExtension(cert.get(), cert.get(), NID_key_usage,
               "critical,digitalSignature,keyCertSign,cRLSign");
  // The subject key identifier must exist before the authority key identifier copies it.
  AddExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  AddExtension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always");
  Sign(cert.get(), key.get());
  return CertificateAuthority({CertificateToPem(cert.get()), KeyToPem(key.get())});
}

CertificateAuthority CertificateAuthority::FromPem(const KeyPair& ca) {
  const X509Ptr cert = ParseCertificate(ca.cert_pem, ErrorCode::kInvalidArgument);
  const EvpPkey key = ParsePrivateKey(ca.key_pem, ErrorCode::kInvalidArgument);
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    throw Error(ErrorCode::kInvalidArgument, "CA private key does not match the CA certificate");
  }
  if (X509_check_ca(cert.get()) == 0) {
    throw Error(ErrorCode::kInvalidArgument, "certificate is not a CA (basicConstraints CA:TRUE)");
  }
  return CertificateAuthority(ca);
}

KeyPair CertificateAuthority::IssueServing(const std::vector<std::string>& hosts,
                                           std::chrono::seconds validity) const {
  if (hosts.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a serving certificate needs at least one host");
  }
  for (const std::string& host : hosts) {
    if (host.empty()) {
      throw Error(ErrorCode::kInvalidArgument, "a serving certificate host must not be empty");
    }
  }
  // Clients match the SANs; the common name is informational, so a name too long for it is
  // left out rather than refused.
  const X509Name subject = hosts.front().size() <= kMaxCommonNameLength
                               ? MakeName({{"CN", hosts.front()}})
                               : MakeName({});
  return IssueLeaf(ca_, subject, {.extended_key_usage = "serverAuth", .hosts = hosts}, validity);
}

KeyPair CertificateAuthority::IssueClient(const std::string& user,
                                          const std::vector<std::string>& groups,
                                          std::chrono::seconds validity) const {
  if (user.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "a client certificate needs a user name");
  }
  // Kubernetes reads the user from CN and the groups from O; Go writes O before CN.
  std::vector<std::pair<std::string, std::string>> entries;
  for (const std::string& group : groups) {
    entries.emplace_back("O", group);
  }
  entries.emplace_back("CN", user);
  return IssueLeaf(ca_, MakeName(entries), {.extended_key_usage = "clientAuth", .hosts = {}},
                   validity);
}

system_clock::time_point CertificateNotAfter(const std::string& cert_pem) {
  const X509Ptr cert = ParseCertificate(cert_pem, ErrorCode::kInvalidArgument);
  return ToTimePoint(X509_get0_notAfter(cert.get()));
}

std::vector<std::string> CertificateHosts(const std::string& cert_pem) {
  const X509Ptr cert = ParseCertificate(cert_pem, ErrorCode::kInvalidArgument);
  const GeneralNames names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> hosts;
  if (names == nullptr) {
    return hosts;
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const unsigned char* data = ASN1_STRING_get0_data(name->d.dNSName);
      hosts.emplace_back(reinterpret_cast<const char*>(data),
                         static_cast<size_t>(ASN1_STRING_length(name->d.dNSName)));
    } else if (name->type == GEN_IPADD) {
      hosts.push_back(IpAddressText(name->d.iPAddress));
    }
  }
  return hosts;
}

}  // namespace gpuext::kube
