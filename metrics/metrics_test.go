package metrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

func TestMetricsStatementKind(t *testing.T) {
	for text, want := range map[string]Kind{
		"SELECT 1":                               KindSelect,
		"  select * from t":                      KindSelect,
		"(SELECT 1) UNION (SELECT 2)":            KindSelect,
		"WITH x AS (SELECT 1) SELECT * FROM x":   KindSelect,
		"-- comment\nINSERT INTO t VALUES (1)":   KindInsert,
		"/* c */ update t set a = 1":             KindUpdate,
		"DELETE FROM t":                          KindDelete,
		"CREATE MATERIALIZED VIEW v AS SELECT 1": KindDDL,
		"drop table t":                           KindDDL,
		"FLUSH":                                  KindOther,
		"SET x = 1":                              KindOther,
		"":                                       KindOther,
		"/* unterminated":                        KindOther,
		"selectx":                                KindOther,
	} {
		if got := StatementKind(text); got != want {
			t.Errorf("StatementKind(%q) = %s, want %s", text, got, want)
		}
	}
}

func BenchmarkStatementKind(b *testing.B) {
	for i := 0; i < b.N; i++ {
		StatementKind("  INSERT INTO orders VALUES ($1, $2, $3)")
	}
}

// collect returns what c reports now (labels sorted by name).
func collect(t *testing.T, c prometheus.Collector) []*dto.Metric {
	t.Helper()
	ch := make(chan prometheus.Metric, 100)
	c.Collect(ch)
	close(ch)
	var out []*dto.Metric
	for m := range ch {
		d := &dto.Metric{}
		if err := m.Write(d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	return collect(t, c)[0].Counter.GetValue()
}

func freshnessOf(t *testing.T, name string) (float64, bool) {
	t.Helper()
	for _, d := range collect(t, freshness{}) {
		if d.Label[0].GetValue() == name {
			return d.Gauge.GetValue(), true
		}
	}
	return 0, false
}

// Event times become the view's only when their epoch commits: a view must not look fresher than
// what a query can see.
func TestMetricsViewFreshnessFollowsCommits(t *testing.T) {
	v := ForView("t_fresh")
	defer RetainViews(func(n string) bool { return n != "t_fresh" })
	if _, ok := freshnessOf(t, "t_fresh"); ok {
		t.Fatal("freshness reported before any commit")
	}
	old := time.Now().Add(-time.Hour).UnixNano()
	recent := time.Now().Add(-time.Second).UnixNano()
	v.Stage(10, old)
	v.Stage(11, recent)
	v.Stage(11, 0) // nothing seen: ignored
	EpochCommitted(10)
	if f, ok := freshnessOf(t, "t_fresh"); !ok || f < 3599 || f > 3700 {
		t.Fatalf("after epoch 10: freshness %v, %v; want about an hour", f, ok)
	}
	EpochCommitted(11)
	if f, _ := freshnessOf(t, "t_fresh"); f < 0.9 || f > 60 {
		t.Fatalf("after epoch 11: freshness %v; want about a second", f)
	}
	// An older event committed later does not make the view look staler.
	v.Stage(12, old)
	EpochCommitted(12)
	if f, _ := freshnessOf(t, "t_fresh"); f > 60 {
		t.Fatalf("after epoch 12: freshness %v; want about a second", f)
	}
	v.In(5)
	v.Out(3)
	if got := counterValue(t, ViewRowsIn.WithLabelValues("t_fresh")); got != 5 {
		t.Errorf("rows in = %v", got)
	}
	RetainViews(func(n string) bool { return n != "t_fresh" })
	if _, ok := freshnessOf(t, "t_fresh"); ok {
		t.Error("a forgotten view still reports freshness")
	}
	var nilView *View
	nilView.In(1)
	nilView.Out(1)
	nilView.Stage(1, 1)
}

func TestMetricsLagTakesTheWorstReader(t *testing.T) {
	u1 := TrackLag("t_lag", func() map[int32]int64 { return map[int32]int64{0: 5, 1: 0} })
	u2 := TrackLag("t_lag", func() map[int32]int64 { return map[int32]int64{0: 2, 1: 9} })
	got := map[string]float64{}
	for _, m := range collect(t, lagCollector{}) {
		got[m.Label[1].GetValue()+"/"+m.Label[0].GetValue()] = m.Gauge.GetValue()
	}
	if len(got) != 2 || got["t_lag/0"] != 5 || got["t_lag/1"] != 9 {
		t.Errorf("lag = %v, want t_lag/0: 5, t_lag/1: 9", got)
	}
	u1()
	u2()
	if n := len(collect(t, lagCollector{})); n != 0 {
		t.Errorf("%d lag series after the readers closed", n)
	}
}

func TestMetricsHealthAndReady(t *testing.T) {
	h := Handler()
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := get("/health"); code != 200 || body != "ok" {
		t.Errorf("/health = %d %q", code, body)
	}
	SetReady(false)
	if code, _ := get("/ready"); code != http.StatusServiceUnavailable {
		t.Errorf("/ready before ready = %d", code)
	}
	SetReady(true)
	defer SetReady(false)
	if code, _ := get("/ready"); code != 200 {
		t.Errorf("/ready = %d", code)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "runnel_committed_epoch") {
		t.Errorf("/metrics = %d, lacks runnel_committed_epoch", code)
	}
}

func TestMetricsQueryErrorClass(t *testing.T) {
	before := counterValue(t, queryErrors.WithLabelValues("42"))
	QueryError("42P01")
	QueryError("42601")
	if got := counterValue(t, queryErrors.WithLabelValues("42")) - before; got != 2 {
		t.Errorf("class 42 grew by %v", got)
	}
}

func TestMetricsRetainSources(t *testing.T) {
	ForSourcePartition("t_gone", 3).Records.Add(2)
	ForSourcePartition("t_kept", 0).Records.Add(1)
	has := func(name string) bool {
		for _, m := range collect(t, SourceRecords) {
			for _, l := range m.Label {
				if l.GetName() == "source" && l.GetValue() == name {
					return true
				}
			}
		}
		return false
	}
	RetainSources(func(n string) bool { return n != "t_gone" })
	if has("t_gone") || !has("t_kept") {
		t.Errorf("after dropping t_gone: t_gone present %v, t_kept present %v", has("t_gone"), has("t_kept"))
	}
}
