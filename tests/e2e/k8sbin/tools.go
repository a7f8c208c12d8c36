//go:build tools

// The programs scripts/k8s-build.sh builds; this file only records them as dependencies.
package k8sbin

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
