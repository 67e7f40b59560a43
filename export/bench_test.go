package export_test

import (
	"context"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/privet-dev/privet/export"
)

// peakHeap samples the live heap until stop is called and returns the
// highest value seen, in bytes.
func peakHeap() (stop func() uint64) {
	var (
		peak uint64
		wg   sync.WaitGroup
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// BenchmarkExport10kRecords writes the package of a subject with 10,000
// fields and saves it encrypted in SQLite, and reports the peak live heap
// (the target: under 64 MB) and the package size.
func BenchmarkExport10kRecords(b *testing.B) {
	w := newWorld(b, "sqlite")
	in := hostileContentsTB(b)
	in.Subject = subjectView(10_000)
	in.Fields = export.Fields(in.Subject.Fields)
	ctx := context.Background()
	runtime.GC()
	stop := peakHeap()
	var size int64
	for b.Loop() {
		pkg, err := w.pkgs.Save(ctx, w.tenant, export.PackageMeta{SubjectID: w.subject, ExpiresAt: t0.Add(time.Hour)},
			func(out io.Writer) error { return export.Write(ctx, out, in) })
		if err != nil {
			b.Fatal(err)
		}
		size = pkg.Size
	}
	peak := stop()
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(size)/(1<<20), "package-MB")
}

// BenchmarkOpen10kRecords reads such a package back, decrypting as it streams.
func BenchmarkOpen10kRecords(b *testing.B) {
	w := newWorld(b, "sqlite")
	in := hostileContentsTB(b)
	in.Subject = subjectView(10_000)
	ctx := context.Background()
	pkg, err := w.pkgs.Save(ctx, w.tenant, export.PackageMeta{SubjectID: w.subject, ExpiresAt: t0.Add(time.Hour)},
		func(out io.Writer) error { return export.Write(ctx, out, in) })
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	stop := peakHeap()
	for b.Loop() {
		if err := w.pkgs.Open(ctx, w.tenant, pkg.ID, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
}
