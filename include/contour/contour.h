/*
 * libcontour — Contour's IngressRoute model as a C library.
 *
 * Load Kubernetes IngressRoute, Ingress, TLSCertificateDelegation, Service and Secret
 * documents into a snapshot (snapshot.h), inspect them (object.h), resolve the snapshot
 * into a route graph with one status per IngressRoute (graph.h), and render it as JSON,
 * text or Graphviz; bindings copy a graph or snapshot out in one call as flat records
 * (export.h); answer Kubernetes AdmissionReviews about changes (admission.h). See
 * docs/api.md for the ownership, error and threading rules.
 */
#ifndef CONTOUR_CONTOUR_H
#define CONTOUR_CONTOUR_H

#include "contour/version.h"
#include "common.h"
#include "config.h"
#include "diagnostic.h"
#include "snapshot.h"
#include "object.h"
#include "graph.h"
#include "diff.h"
#include "export.h"
#include "admission.h"

#endif
