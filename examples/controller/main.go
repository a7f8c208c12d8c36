// Command contour-controller is an example IngressRoute controller built on client-go and
// the libcontour Go binding. It lists and watches IngressRoutes and
// TLSCertificateDelegations (contour.heptio.com/v1beta1), Ingresses (networking.k8s.io/v1),
// Services and Secrets; keeps a libcontour snapshot in step with them; resolves the
// route graph after each batch of changes; prints what changed; and writes each
// IngressRoute's status (status.currentStatus and status.description, Contour's words)
// through the status subresource when it changes, as Contour does.
//
//	contour-controller [--kubeconfig FILE] [--root-namespaces a,b] [--ingress-class NAME]
//
// It serves nothing and listens on no port. SIGINT or SIGTERM stops it. See README.md.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"

	contour "github.com/libcontour/libcontour/bindings/go"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "contour-controller:", err)
		os.Exit(1)
	}
}

func run() error {
	var (
		kubeconfig   = flag.String("kubeconfig", "", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)")
		roots        = flag.String("root-namespaces", "", "comma-separated namespaces where root IngressRoutes may live (default: any)")
		ingressClass = flag.String("ingress-class", "", `ingress class served (default "contour")`)
		workers      = flag.Int("status-workers", 8, "statuses written in parallel")
		batch        = flag.Int("batch", 0, "most changed objects applied per resolution (0: every one waiting)")
		qps          = flag.Float64("kube-api-qps", 500, "requests per second to the API server (client-side limit)")
		burst        = flag.Int("kube-api-burst", 1000, "burst of requests to the API server")
		verbose      = flag.Bool("v", false, "print every status and virtual host of the initial resolution")
		maxLines     = flag.Int("max-lines", 50, "most lines printed per change (0: all)")
		statsEvery   = flag.Duration("stats-interval", 0, "print the memory and counts this often while they change (0: never)")
	)
	flag.Parse()
	if flag.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(flag.Args(), " "))
	}
	if *workers < 1 || *batch < 0 || *maxLines < 0 || *statsEvery < 0 {
		return fmt.Errorf("--status-workers must be at least 1, --batch, --max-lines and --stats-interval at least 0")
	}
	if err := contour.CheckVersion(); err != nil {
		return err
	}

	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if *kubeconfig != "" {
		rules.ExplicitPath = *kubeconfig
	}
	rest, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{}).ClientConfig()
	if err != nil {
		return err
	}
	rest.QPS, rest.Burst = float32(*qps), *burst
	rest.UserAgent = "libcontour-example-controller"
	dyn, err := dynamic.NewForConfig(rest)
	if err != nil {
		return err
	}

	opt := options{statusWorkers: *workers, batch: *batch, verbose: *verbose, maxLines: *maxLines, statsEvery: *statsEvery}
	opt.config.IngressClass = *ingressClass
	if *roots != "" {
		opt.config.RootNamespaces = strings.Split(*roots, ",")
	}
	if err := opt.config.Validate(); err != nil {
		return err
	}
	logger := log.New(os.Stdout, "", log.LstdFlags|log.Lmicroseconds)
	c, err := newController(dyn, opt, logger)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger.Printf("libcontour %s; API server %s; pid %d", contour.LibraryVersion(), rest.Host, os.Getpid())
	err = c.run(ctx)
	logger.Printf("stopped")
	return err
}
