package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync/atomic"
	"time"

	contour "github.com/libcontour/libcontour/bindings/go"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
)

// options are the controller's settings (main.go's flags).
type options struct {
	// config is the library's: root namespaces, ingress class.
	config contour.Config
	// statusWorkers write statuses in parallel.
	statusWorkers int
	// batch is the most objects applied before a resolution; 0: all that are waiting.
	batch int
	// verbose prints every change of the initial resolution too.
	verbose bool
	// maxLines bounds the lines printed per change (0: all).
	maxLines int
	// statsEvery is how often the memory and counts are printed (0: never).
	statsEvery time.Duration
}

// controller keeps a libcontour snapshot in step with the cluster: informers queue each
// object's latest version, one goroutine applies what is waiting to the snapshot,
// resolves, prints what changed and tells the status writer which statuses to write.
type controller struct {
	opt    options
	log    *log.Logger
	dyn    dynamic.Interface
	snap   *contour.Snapshot
	queue  *eventQueue
	writer *statusWriter
	// irs is the IngressRoute informer, whose cache the status writer compares with.
	irs     cache.SharedIndexInformer
	synced  []cache.InformerSynced
	current *contour.Graph // the last resolved graph; nil before the first
	changes int
	// resolutions counts the graphs resolved (read by reportStats).
	resolutions atomic.Int64
	started     time.Time
}

func newController(dyn dynamic.Interface, opt options, logger *log.Logger) (*controller, error) {
	snap, err := contour.NewSnapshot(&opt.config)
	if err != nil {
		return nil, err
	}
	return &controller{opt: opt, log: logger, dyn: dyn, snap: snap, queue: newEventQueue(), started: time.Now()}, nil
}

// run lists and watches every kind, waits until the lists are in, then resolves after
// every batch of changes until ctx is done.
func (c *controller) run(ctx context.Context) error {
	defer c.snap.Close()
	defer func() { c.current.Close() }()
	factory := dynamicinformer.NewDynamicSharedInformerFactory(c.dyn, 0)
	for i := range watchedKinds {
		w := &watchedKinds[i]
		inf := factory.ForResource(w.gvr).Informer()
		if err := inf.SetTransform(trim(w.kind)); err != nil {
			return err
		}
		reg, err := inf.AddEventHandler(c.handlers(w))
		if err != nil {
			return err
		}
		c.synced = append(c.synced, reg.HasSynced)
		if w.kind == contour.KindIngressRoute {
			c.irs = inf
		}
	}
	c.writer = newStatusWriter(c.dyn.Resource(ingressRoutes), c.cachedIngressRoute, c.log.Printf)
	factory.Start(ctx.Done())
	defer factory.Shutdown()

	if !c.waitForSync(ctx) {
		return nil
	}
	c.writer.run(ctx, c.opt.statusWorkers)
	c.process(c.queue.take(ctx, 0), true)
	go c.reportInitialWrites(ctx)
	if c.opt.statsEvery > 0 {
		go c.reportStats(ctx, c.opt.statsEvery)
	}
	for {
		batch := c.queue.take(ctx, c.opt.batch)
		if batch == nil {
			return nil
		}
		c.process(batch, false)
	}
}

// handlers queue each change of an object of kind w.
func (c *controller) handlers(w *watchedKind) cache.ResourceEventHandler {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj interface{}) {
			if u, ok := obj.(*unstructured.Unstructured); ok {
				c.queue.put(w, keyOf(w.kind, u), u, "added")
			}
		},
		UpdateFunc: func(oldObj, newObj interface{}) {
			o, ok1 := oldObj.(*unstructured.Unstructured)
			u, ok2 := newObj.(*unstructured.Unstructured)
			if !ok1 || !ok2 {
				return
			}
			if sameInput(o, u) {
				// Only the status or the server's metadata changed (our own status
				// write, or someone else's): the graph cannot change, but the status
				// may need writing again.
				if w.kind == contour.KindIngressRoute {
					c.writer.recheck(keyOf(w.kind, u))
				}
				return
			}
			c.queue.put(w, keyOf(w.kind, u), u, "updated")
		},
		DeleteFunc: func(obj interface{}) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			if u, ok := obj.(*unstructured.Unstructured); ok {
				c.queue.put(w, keyOf(w.kind, u), nil, "deleted")
			}
		},
	}
}

// waitForSync waits until every informer has delivered its initial list; false when ctx
// ends first. It says every 10 s what it is still waiting for (a CRD that is not
// installed never syncs).
func (c *controller) waitForSync(ctx context.Context) bool {
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	for {
		var waiting []string
		for i, synced := range c.synced {
			if !synced() {
				waiting = append(waiting, watchedKinds[i].gvr.Resource)
			}
		}
		if len(waiting) == 0 {
			c.log.Printf("informers synced in %s: %d objects waiting", since(c.started), c.queue.len())
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
			c.log.Printf("waiting for the lists of %s (are the CRDs installed?)", strings.Join(waiting, ", "))
		case <-poll.C:
		}
	}
}

// cachedIngressRoute returns the informer's copy of an IngressRoute, nil when it has none.
func (c *controller) cachedIngressRoute(ns, name string) *unstructured.Unstructured {
	obj, ok, err := c.irs.GetIndexer().GetByKey(ns + "/" + name)
	if err != nil || !ok {
		return nil
	}
	u, _ := obj.(*unstructured.Unstructured)
	return u
}

// setObject puts the new version of an object into the snapshot: the object's JSON
// replaces everything loaded before under a source named after the object
// ("IngressRoute/ns/name"), diagnostics about its documents included.
func (c *controller) setObject(e *event) error {
	data, err := objectJSON(e.kind, e.obj)
	if err != nil {
		return err
	}
	return c.snap.SetSource(e.key.source(), data)
}

// deleteObject takes an object out of the snapshot: its source goes.
func (c *controller) deleteObject(k objKey) error {
	err := c.snap.RemoveSource(k.source())
	if errors.Is(err, contour.ErrNotFound) {
		return nil // never loaded, or left nothing behind
	}
	return err
}

// resolve brings the graph up to date with the snapshot: an incremental resolution of
// what changed since prev (byte for byte the graph a full one makes), or a full one when
// there is no previous graph (prev nil).
func (c *controller) resolve(prev *contour.Graph) (*contour.Graph, error) {
	return c.snap.ResolveUpdate(prev, nil)
}

// process applies a batch of changes, resolves, prints what changed and updates the
// statuses wanted.
func (c *controller) process(batch []*event, initial bool) {
	t0 := time.Now()
	for _, e := range batch {
		var err error
		if e.obj == nil {
			err = c.deleteObject(e.key)
		} else {
			err = c.setObject(e)
		}
		if err != nil {
			c.log.Printf("%s: %v", e.key, err)
		}
	}
	t1 := time.Now()
	g, err := c.resolve(c.current)
	if err != nil {
		// Out of memory, or a closed snapshot: the changes are in the snapshot, and the
		// next batch resolves them.
		c.log.Printf("resolve: %v", err)
		return
	}
	t2 := time.Now()
	c.resolutions.Add(1)
	// What changed: in time proportional to the change, the two graphs being of one
	// snapshot. DiffGraphs(nil, g), for the initial resolution, lists all of g.
	d, err := contour.DiffGraphs(c.current, g)
	if err != nil {
		// Out of memory: the graph is resolved; the next batch compares with it.
		c.log.Printf("diff: %v", err)
		c.current.Close()
		c.current = g
		return
	}
	t3 := time.Now()

	var b strings.Builder
	timing := fmt.Sprintf("apply %s, resolve %s, diff %s", ms(t1.Sub(t0)), ms(t2.Sub(t1)), ms(t3.Sub(t2)))
	if initial {
		fmt.Fprintf(&b, "initial resolution of %d objects (%s): %s: %s\n", len(batch), c.countsText(), timing, statesText(g.Statuses()))
		if c.opt.verbose {
			printDiff(&b, d, "  ", 0)
		}
	} else {
		c.changes++
		fmt.Fprintf(&b, "change %d: %s: %s\n", c.changes, eventsText(batch), timing)
		if d.Empty() {
			b.WriteString("  the graph is unchanged\n")
		}
		printDiff(&b, d, "  ", c.opt.maxLines)
	}
	c.log.Print(strings.TrimSuffix(b.String(), "\n"))

	for _, s := range d.Statuses {
		if s.New != nil {
			c.writer.want(statusFromGraph(s.New))
		} else {
			k, _ := statusFromGraph(s.Old)
			c.writer.forget(k)
		}
	}
	// An IngressRoute that changed may need its status written even when the graph did
	// not change (deleted and created again, or its status overwritten).
	for _, e := range batch {
		if e.key.Kind == contour.KindIngressRoute && e.obj != nil {
			if st, err := g.Status(e.key.Namespace, e.key.Name); err == nil {
				c.writer.want(statusFromGraph(&st))
			}
		}
	}
	c.current.Close()
	c.current = g
}

// reportInitialWrites says when the statuses of the initial resolution are all written.
func (c *controller) reportInitialWrites(ctx context.Context) {
	for c.writer.pending() > 0 {
		select {
		case <-ctx.Done():
			return
		case <-c.writer.idle:
		case <-time.After(time.Second):
		}
	}
	c.log.Printf("initial statuses written in %s after the start: %d written, %d already up to date, %d conflicts; %s",
		since(c.started), c.writer.written.Load(), c.writer.upToDate.Load(), c.writer.conflicts.Load(), memoryText())
}

func (c *controller) countsText() string {
	var parts []string
	for _, k := range contour.Kinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, c.snap.Len(k)))
	}
	return strings.Join(parts, ", ")
}

// statesText counts the statuses by state.
func statesText(ss []contour.Status) string {
	n := map[contour.State]int{}
	for i := range ss {
		n[ss[i].State]++
	}
	return fmt.Sprintf("%d statuses: %d valid, %d invalid, %d orphaned", len(ss),
		n[contour.StateValid], n[contour.StateInvalid], n[contour.StateOrphaned])
}

// eventsText names the changed objects, the first few of them.
func eventsText(batch []*event) string {
	const most = 5
	var parts []string
	for i, e := range batch {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(batch)-most))
			break
		}
		s := e.key.String() + " " + e.verb
		if e.obj != nil {
			s += " (resourceVersion " + e.obj.GetResourceVersion() + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string {
	if d < 10*time.Millisecond {
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

func since(t time.Time) string { return ms(time.Since(t)) }
