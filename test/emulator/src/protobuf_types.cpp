// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
//
// The tables behind protobuf decoding. Only kinds kubectl's imperative generators send as
// protobuf are here; each lists every field its generated.proto declares, so a field we do
// not know is a 415 instead of silently lost data.
#include "protobuf_types.h"

namespace gpuext::emulator::protobuf {
namespace {

using enum ValueKind;

const MessageSpec& OwnerReference() {
  static const MessageSpec spec{"OwnerReference",
                                {{1, "kind", kString},
                                 {3, "name", kString},
                                 {4, "uid", kString},
                                 {5, "apiVersion", kString},
                                 {6, "controller", kBool},
                                 {7, "blockOwnerDeletion", kBool}}};
  return spec;
}

const MessageSpec& ManagedFieldsEntry() {
  static const MessageSpec spec{"ManagedFieldsEntry",
                                {{1, "manager", kString},
                                 {2, "operation", kString},
                                 {3, "apiVersion", kString},
                                 {4, "time", kTime},
                                 {6, "fieldsType", kString},
                                 {7, "fieldsV1", kFieldsV1},
                                 {8, "subresource", kString}}};
  return spec;
}

const MessageSpec& ObjectMeta() {
  static const MessageSpec spec{"ObjectMeta",
                                {{1, "name", kString},
                                 {2, "generateName", kString},
                                 {3, "namespace", kString},
                                 {4, "selfLink", kString},
                                 {5, "uid", kString},
                                 {6, "resourceVersion", kString},
                                 {7, "generation", kInt},
                                 {8, "creationTimestamp", kTime},
                                 {9, "deletionTimestamp", kTime},
                                 {10, "deletionGracePeriodSeconds", kInt, false, nullptr, true},
                                 {11, "labels", kStringMap},
                                 {12, "annotations", kStringMap},
                                 {13, "ownerReferences", kMessage, true, &OwnerReference},
                                 {14, "finalizers", kString, true},
                                 {17, "managedFields", kMessage, true, &ManagedFieldsEntry}}};
  return spec;
}

const MessageSpec& NamespaceSpec() {
  static const MessageSpec spec{"NamespaceSpec", {{1, "finalizers", kString, true}}};
  return spec;
}

const MessageSpec& NamespaceCondition() {
  static const MessageSpec spec{"NamespaceCondition",
                                {{1, "type", kString},
                                 {2, "status", kString},
                                 {4, "lastTransitionTime", kTime},
                                 {5, "reason", kString},
                                 {6, "message", kString}}};
  return spec;
}

const MessageSpec& NamespaceStatus() {
  static const MessageSpec spec{
      "NamespaceStatus",
      {{1, "phase", kString}, {2, "conditions", kMessage, true, &NamespaceCondition}}};
  return spec;
}

const MessageSpec& Namespace() {
  static const MessageSpec spec{"Namespace",
                                {{1, "metadata", kMessage, false, &ObjectMeta},
                                 {2, "spec", kMessage, false, &NamespaceSpec},
                                 {3, "status", kMessage, false, &NamespaceStatus}}};
  return spec;
}

const MessageSpec& ConfigMap() {
  static const MessageSpec spec{"ConfigMap",
                                {{1, "metadata", kMessage, false, &ObjectMeta},
                                 {2, "data", kStringMap},
                                 {3, "binaryData", kBytesMap},
                                 {4, "immutable", kBool}}};
  return spec;
}

const MessageSpec& Secret() {
  static const MessageSpec spec{"Secret",
                                {{1, "metadata", kMessage, false, &ObjectMeta},
                                 {2, "data", kBytesMap},
                                 {3, "type", kString},
                                 {4, "stringData", kStringMap},
                                 {5, "immutable", kBool}}};
  return spec;
}

const MessageSpec& ObjectReference() {
  static const MessageSpec spec{"ObjectReference",
                                {{1, "kind", kString},
                                 {2, "namespace", kString},
                                 {3, "name", kString},
                                 {4, "uid", kString},
                                 {5, "apiVersion", kString},
                                 {6, "resourceVersion", kString},
                                 {7, "fieldPath", kString}}};
  return spec;
}

const MessageSpec& LocalObjectReference() {
  static const MessageSpec spec{"LocalObjectReference", {{1, "name", kString}}};
  return spec;
}

const MessageSpec& ServiceAccount() {
  static const MessageSpec spec{"ServiceAccount",
                                {{1, "metadata", kMessage, false, &ObjectMeta},
                                 {2, "secrets", kMessage, true, &ObjectReference},
                                 {3, "imagePullSecrets", kMessage, true, &LocalObjectReference},
                                 {4, "automountServiceAccountToken", kBool}}};
  return spec;
}

}  // namespace

const MessageSpec* FindKind(std::string_view api_version, std::string_view kind) {
  if (api_version != "v1") {
    return nullptr;
  }
  if (kind == "Namespace") {
    return &Namespace();
  }
  if (kind == "ConfigMap") {
    return &ConfigMap();
  }
  if (kind == "Secret") {
    return &Secret();
  }
  if (kind == "ServiceAccount") {
    return &ServiceAccount();
  }
  return nullptr;
}

}  // namespace gpuext::emulator::protobuf
