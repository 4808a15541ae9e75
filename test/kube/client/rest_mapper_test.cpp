// SPDX-FileCopyrightText: 2026 gardener-extension-gpu authors
// SPDX-License-Identifier: Apache-2.0
#include "gpuext/kube/rest_mapper.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "client_fixture.h"

namespace gpuext::kube::testing {
namespace {

using nlohmann::json;

TEST_F(ClientTest, RestMapperResolvesBuiltinsAndCustomResources) {
  RestMapper mapper(*client_);
  EXPECT_EQ(mapper.ResourceFor("v1", "ConfigMap"), kConfigMaps);
  EXPECT_EQ(mapper.ResourceFor("v1", "Namespace"), kNamespaces);
  EXPECT_EQ(mapper.ResourceFor("coordination.k8s.io/v1", "Lease"), kLeases);
  EXPECT_EQ(mapper.ResourceFor("extensions.gardener.cloud/v1alpha1", "Extension"), kExtensions);
  const Resource shoots = mapper.ResourceFor("core.gardener.cloud/v1beta1", "Shoot");
  EXPECT_EQ(shoots.resource, "shoots");
  EXPECT_TRUE(shoots.namespaced);
  try {
    (void)mapper.ResourceFor("v1", "NoSuchKind");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_STREQ(e.what(), "no resource for kind \"NoSuchKind\" in \"v1\"");
  }
  EXPECT_THROW((void)mapper.ResourceFor("nope.example.com/v1", "Thing"), Error);
  const auto versions = mapper.GroupVersions();
  EXPECT_NE(std::find(versions.begin(), versions.end(), "v1"), versions.end());
  EXPECT_NE(std::find(versions.begin(), versions.end(), "coordination.k8s.io/v1"), versions.end());
}

TEST_F(ClientTest, RestMapperRefreshesOnMissForNewCrds) {
  RestMapper mapper(*client_);
  EXPECT_THROW((void)mapper.ResourceFor("example.com/v1", "Widget"), Error);
  const Resource crds{"apiextensions.k8s.io", "v1", "customresourcedefinitions", false};
  client_->Create(
      crds,
      json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
        "metadata":{"name":"widgets.example.com"},
        "spec":{"group":"example.com","scope":"Cluster",
          "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
          "versions":[{"name":"v1","served":true,"storage":true,
            "schema":{"openAPIV3Schema":{"type":"object",
              "x-kubernetes-preserve-unknown-fields":true}}}]}})"));
  const Resource widgets = mapper.ResourceFor("example.com/v1", "Widget");
  EXPECT_EQ(widgets, (Resource{"example.com", "v1", "widgets", false}));
}

}  // namespace
}  // namespace gpuext::kube::testing
