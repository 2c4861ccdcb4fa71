package tests

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/runnel-db/runnel/connector/kafka"
	"github.com/runnel-db/runnel/tests/sltrun"
)

// Every Kafka test gets its own in-process broker (so that it outlives server kills, as a real
// cluster would) and its own server process. A short barrier interval keeps the waits for views
// to catch up in the tens of milliseconds.
var kafkaServerArgs = []string{"--barrier-interval", "100ms", "--parallelism", "2"}

// kafkaWait bounds every wait for data to flow. Generous: the two shared cores may be busy with
// other tests, and a passing test never waits this long.
const kafkaWait = 20 * time.Second

type kafkaEnv struct {
	t      *testing.T
	broker *kafka.Broker
	addr   string // the broker's address, also after a restart
	parts  int
	prod   *kgo.Client
	srv    *sltrun.Process
	conn   *pgx.Conn
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newKafkaEnv starts a broker with the given partitions per topic, a producer and a server.
func newKafkaEnv(t *testing.T, partitions int) *kafkaEnv {
	t.Helper()
	b, err := kafka.StartBroker("127.0.0.1:0", partitions, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	k := &kafkaEnv{t: t, broker: b, addr: b.Addr(), parts: partitions}
	t.Cleanup(func() { k.broker.Close() })
	k.prod = k.producer()
	k.startServer()
	return k
}

// producer writes to explicit partitions, so that tests know which split holds what.
func (k *kafkaEnv) producer() *kgo.Client {
	k.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(k.addr), kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(kgo.ManualPartitioner()), kgo.ProducerLinger(0),
		kgo.RetryBackoffFn(func(int) time.Duration { return 50 * time.Millisecond }))
	if err != nil {
		k.t.Fatal(err)
	}
	k.t.Cleanup(cl.Close)
	return cl
}

func (k *kafkaEnv) startServer() {
	k.t.Helper()
	srv, err := sltrun.StartProcess(context.Background(), runnelBinary(k.t), k.t.TempDir(), kafkaServerArgs...)
	if err != nil {
		k.t.Fatalf("start server: %v", err)
	}
	k.srv = srv
	t := k.t // not k.t at cleanup time: subtests reassign it
	t.Cleanup(func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("stop server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log (tail):\n%s", tail(srv.Logs(), 8<<10))
		}
	})
	k.conn = k.connect()
}

func (k *kafkaEnv) connect() *pgx.Conn {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://root@"+k.srv.Addr()+"/dev?sslmode=disable&default_query_exec_mode=simple_protocol")
	if err != nil {
		k.t.Fatalf("connect: %v", err)
	}
	k.t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// with is the WITH clause reading topic from this env's broker, plus extra options.
func (k *kafkaEnv) with(topic string, extra ...string) string {
	opts := []string{"connector = 'kafka'", fmt.Sprintf("topic = '%s'", topic),
		fmt.Sprintf("properties.bootstrap.server = '%s'", k.addr)}
	return "WITH (" + strings.Join(append(opts, extra...), ", ") + ")"
}

func (k *kafkaEnv) exec(sql string) {
	k.t.Helper()
	if _, err := k.conn.Exec(context.Background(), sql); err != nil {
		k.t.Fatalf("%s: %v", sql, err)
	}
}

// produce writes records synchronously: once it returns they are in the broker.
func (k *kafkaEnv) produce(recs ...*kgo.Record) {
	k.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := k.prod.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		k.t.Fatalf("produce: %v", err)
	}
}

func rec(topic string, partition int, key, value string) *kgo.Record {
	r := &kgo.Record{Topic: topic, Partition: int32(partition), Value: []byte(value)}
	if key != "" {
		r.Key = []byte(key)
	}
	return r
}

// query returns the rows as the server's text values joined by single spaces, NULL as NULL, in
// the order the server sent them.
func (k *kafkaEnv) query(sql string) []string {
	k.t.Helper()
	rows, err := k.tryQuery(sql)
	if err != nil {
		k.t.Fatalf("%s: %v", sql, err)
	}
	return rows
}

func (k *kafkaEnv) tryQuery(sql string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := k.conn.PgConn().Exec(ctx, sql).ReadAll()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range res {
		for _, row := range r.Rows {
			vals := make([]string, len(row))
			for i, v := range row {
				if v == nil {
					vals[i] = "NULL"
				} else {
					vals[i] = string(v)
				}
			}
			out = append(out, strings.Join(vals, " "))
		}
	}
	return out, nil
}

// waitRows polls sql (which must order its rows) until it returns want. Kafka ingestion is
// asynchronous, so FLUSH alone cannot say when produced records are in: only the contents can.
func (k *kafkaEnv) waitRows(sql string, want ...string) {
	k.t.Helper()
	if want == nil {
		want = []string{}
	}
	var got []string
	deadline := time.Now().Add(kafkaWait)
	for {
		var err error
		got, err = k.tryQuery(sql)
		if got == nil {
			got = []string{}
		}
		if err == nil && slices.Equal(got, want) {
			return
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("%s\n  after %v got:  %q (err %v)\n  want:              %q", sql, kafkaWait, got, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitRowsOr is waitRows for a one-row query, returning what it got instead of failing, so the
// caller can tell a known wrong answer from an unknown one.
func (k *kafkaEnv) waitRowsOr(sql, want string) string {
	k.t.Helper()
	deadline := time.Now().Add(kafkaWait)
	var got []string
	for time.Now().Before(deadline) {
		got, _ = k.tryQuery(sql)
		if len(got) == 1 && got[0] == want {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Let a little more arrive: an answer past want is a wrong one, not a late right one.
	time.Sleep(300 * time.Millisecond)
	got, err := k.tryQuery(sql)
	if err != nil || len(got) != 1 {
		k.t.Fatalf("%s: %q, %v", sql, got, err)
	}
	return got[0]
}

// settle gives a source time to read records it should not show, then checks sql still returns
// want: the way to test that something does not arrive.
func (k *kafkaEnv) settle(sql string, want ...string) {
	k.t.Helper()
	time.Sleep(500 * time.Millisecond)
	k.exec("FLUSH")
	got := k.query(sql)
	if want == nil {
		want = []string{}
	}
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, want) {
		k.t.Fatalf("%s\n  got:  %q\n  want: %q", sql, got, want)
	}
}

func sqlState(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// freeAddr returns a loopback address nothing listens on (until someone takes it).
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// aircraftDDL is RisingWave's aircraft example (as in sql/corpus_test.go), reading from addr.
func aircraftDDL(k *kafkaEnv, topic string) []string {
	return []string{
		`CREATE SOURCE aircraft_events (registration_number varchar, event_type varchar, "timestamp" timestamptz) ` +
			k.with(topic, "scan.startup.mode = 'earliest'") + ` FORMAT PLAIN ENCODE JSON`,
		`CREATE MATERIALIZED VIEW aircraft_stats AS
			SELECT registration_number, event_type, count(*) AS events, max("timestamp") AS last_seen
			FROM aircraft_events GROUP BY registration_number, event_type`,
	}
}

func aircraftEvent(topic string, partition int, reg, typ string, minute int) *kgo.Record {
	return rec(topic, partition, reg, fmt.Sprintf(`{"registration_number": %q, "event_type": %q, "timestamp": "2024-05-01T08:%02d:00Z"}`, reg, typ, minute))
}

// TestKafkaAircraft: a source over four partitions feeding a GROUP BY view; counts are exact
// after the first batch and follow later batches.
func TestKafkaAircraft(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 4)
	const topic = "aircraft-events"
	regs := []string{"N12345", "G-ABCD", "D-EFGH"}
	typs := []string{"takeoff", "landing", "taxi"}
	// Aircraft i, event type j gets (i+1)*(j+2) events spread over every partition.
	var recs []*kgo.Record
	n := 0
	for i, reg := range regs {
		for j, typ := range typs {
			for e := 0; e < (i+1)*(j+2); e++ {
				recs = append(recs, aircraftEvent(topic, n%4, reg, typ, e))
				n++
			}
		}
	}
	k.produce(recs...)
	for _, q := range aircraftDDL(k, topic) {
		k.exec(q)
	}
	const q = `SELECT registration_number, event_type, events, last_seen FROM aircraft_stats ORDER BY 1, 2`
	k.waitRows(q,
		"D-EFGH landing 9 2024-05-01 08:08:00+00",
		"D-EFGH takeoff 6 2024-05-01 08:05:00+00",
		"D-EFGH taxi 12 2024-05-01 08:11:00+00",
		"G-ABCD landing 6 2024-05-01 08:05:00+00",
		"G-ABCD takeoff 4 2024-05-01 08:03:00+00",
		"G-ABCD taxi 8 2024-05-01 08:07:00+00",
		"N12345 landing 3 2024-05-01 08:02:00+00",
		"N12345 takeoff 2 2024-05-01 08:01:00+00",
		"N12345 taxi 4 2024-05-01 08:03:00+00",
	)
	// Sources are not stored: reading one directly is refused, only views see its rows.
	if _, err := k.tryQuery("SELECT * FROM aircraft_events"); err == nil {
		t.Logf("SELECT from a source succeeded (RisingWave refuses it for Kafka sources)")
	}

	k.produce(aircraftEvent(topic, 3, "N12345", "takeoff", 30), aircraftEvent(topic, 1, "X-NEW", "landing", 31))
	k.waitRows(`SELECT registration_number, sum(events) FROM aircraft_stats GROUP BY 1 ORDER BY 1`,
		"D-EFGH 27", "G-ABCD 18", "N12345 10", "X-NEW 1")
	k.waitRows(q+" LIMIT 9 OFFSET 7", "N12345 takeoff 3 2024-05-01 08:30:00+00", "N12345 taxi 4 2024-05-01 08:03:00+00", "X-NEW landing 1 2024-05-01 08:31:00+00")
}

// TestKafkaUpsertTable: FORMAT UPSERT keys rows by the message key; a null value deletes; a key
// can come back. A view over the table follows the retractions.
func TestKafkaUpsertTable(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 2)
	const topic = "accounts"
	k.exec(`CREATE TABLE accounts (id int PRIMARY KEY, owner varchar, balance bigint) ` + k.with(topic) + ` FORMAT UPSERT ENCODE JSON`)
	k.exec(`CREATE MATERIALIZED VIEW acct_totals AS SELECT count(*) AS n, sum(balance) AS total FROM accounts`)
	// A key's records stay in one partition, as a keyed producer would put them, so their order holds.
	up := func(id int, owner string, balance int) *kgo.Record {
		return rec(topic, id%2, fmt.Sprintf(`{"id": %d}`, id), fmt.Sprintf(`{"id": %d, "owner": %q, "balance": %d}`, id, owner, balance))
	}
	tomb := func(id int) *kgo.Record {
		return &kgo.Record{Topic: topic, Partition: int32(id % 2), Key: fmt.Appendf(nil, `{"id": %d}`, id)}
	}
	k.produce(up(1, "ann", 100), up(2, "bob", 50), up(3, "cy", 7), up(1, "ann", 120), up(2, "bob", 55))
	k.waitRows(`SELECT * FROM accounts ORDER BY id`, "1 ann 120", "2 bob 55", "3 cy 7")
	k.waitRows(`SELECT * FROM acct_totals`, "3 182")

	k.produce(tomb(2), up(3, "cy", 8), tomb(4)) // deleting a key that was never there is a no-op
	k.waitRows(`SELECT * FROM accounts ORDER BY id`, "1 ann 120", "3 cy 8")
	k.waitRows(`SELECT * FROM acct_totals`, "2 128")

	k.produce(up(2, "bobby", 1), tomb(1), up(1, "ann", 5))
	k.waitRows(`SELECT * FROM accounts ORDER BY id`, "1 ann 5", "2 bobby 1", "3 cy 8")
	k.waitRows(`SELECT * FROM acct_totals`, "3 14")

	k.produce(tomb(1), tomb(2), tomb(3))
	k.waitRows(`SELECT * FROM accounts ORDER BY id`)
	k.waitRows(`SELECT * FROM acct_totals`, "0 NULL")
}

// TestKafkaBadRecords: records that do not decode are skipped, listed in rw_source_errors and
// counted in /metrics; the good ones around them all arrive, each once.
func TestKafkaBadRecords(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 1)
	const topic = "mixed"
	bad := []string{
		`not json at all`,
		`{"id": 7, "v": 99999}`,          // v is smallint
		`{"id": "seven", "v": 1}`,        // not a number
		`{"id": 8, "ts": "25:61:00"}`,    // not a timestamp
		`{"id": 9, "v": 1`,               // truncated
		`{"id": 10, "v": 1} trailing`,    // data after the object
		`{"id": 11, "v": 1.5}`,           // a fraction does not fit smallint
		`["id", 12]`,                     // not an object
		`{"id": 13, "v": 1, "id": 14} }`, // garbage after the object
		`{"id": 99999999999999, "v": 1}`, // int overflow
	}
	var recs []*kgo.Record
	var wantErrors []string
	good, sum := 0, 0
	for i := 0; i < 30; i++ {
		recs = append(recs, rec(topic, 0, "", fmt.Sprintf(`{"id": %d, "v": %d, "ts": "2024-01-01 00:00:%02d"}`, 100+i, i, i)))
		good++
		sum += i
		if i < len(bad) {
			wantErrors = append(wantErrors, fmt.Sprintf("mixed 0 %d %s", len(recs), bad[i]))
			recs = append(recs, rec(topic, 0, "", bad[i]))
		}
	}
	k.exec(`CREATE SOURCE mixed (id int, v smallint, ts timestamp) INCLUDE offset AS o ` + k.with(topic) + ` FORMAT PLAIN ENCODE JSON`)
	k.exec(`CREATE MATERIALIZED VIEW mixed_counts AS SELECT count(*) AS n, sum(v) AS s, count(ts) AS with_ts, count(DISTINCT o) AS offsets FROM mixed`)
	k.produce(recs...)
	wantCounts := fmt.Sprintf("%d %d %d %d", good, sum, good, good)
	k.waitRows(`SELECT * FROM mixed_counts`, wantCounts)
	k.settle(`SELECT * FROM mixed_counts`, wantCounts)

	errs := k.query(`SELECT source, partition, "offset", payload FROM rw_source_errors ORDER BY "offset"`)
	if !slices.Equal(errs, wantErrors) {
		t.Errorf("rw_source_errors\n  got:  %q\n  want: %q", errs, wantErrors)
	}
	// Every kept error says what was wrong and when.
	for _, r := range k.query(`SELECT "offset", error, time IS NOT NULL FROM rw_source_errors ORDER BY "offset"`) {
		if f := strings.Fields(r); len(f) < 3 || f[len(f)-1] != "t" {
			t.Errorf("rw_source_errors row without an error or time: %q", r)
		}
	}
	body := fetchMetrics(t, k.srv.MetricsAddr())
	if got := metricSum(body, "runnel_source_decode_errors_total", `source="mixed"`); got != float64(len(wantErrors)) {
		t.Errorf("runnel_source_decode_errors_total{source=\"mixed\"} = %v, want %d; /metrics has:\n%s", got, len(wantErrors), grepLines(body, "runnel_source"))
	}

	t.Run("second view", func(t *testing.T) {
		k.t = t
		// A second view over the source reads the topic again with a reader of its own; the bad
		// records are still the same bad records.
		k.exec(`CREATE MATERIALIZED VIEW mixed_by_id AS SELECT id, count(*) AS c FROM mixed GROUP BY id`)
		k.waitRows(`SELECT count(*), sum(c) FROM mixed_by_id`, fmt.Sprintf("%d %d", good, good))
		k.exec("FLUSH")
		errs := k.query(`SELECT source, partition, "offset", payload FROM rw_source_errors ORDER BY "offset"`)
		body := fetchMetrics(t, k.srv.MetricsAddr())
		if len(errs) == 2*len(wantErrors) && metricSum(body, "runnel_source_decode_errors_total", `source="mixed"`) == float64(2*len(wantErrors)) {
			t.Error("every view over a source runs its own reader, and each must not count and list the source's bad records again: " +
				"two views over one source with one bad record -> runnel_source_decode_errors_total{source} = 2 and rw_source_errors has the record twice, " +
				"indistinguishable; want 1 (or a column naming the view)")
		}
		if !slices.Equal(errs, wantErrors) {
			t.Errorf("rw_source_errors after a second view\n  got:  %q\n  want: %q", errs, wantErrors)
		}
	})

	t.Run("wall-clock words", func(t *testing.T) {
		k.t = t
		// PostgreSQL reads 'yesterday' and 'now' as timestamps; from a Kafka record they would
		// decode to another value on every re-read after a crash. Not one of the formats a JSON
		// source takes (RFC 3339, 'YYYY-MM-DD HH:MM:SS[.ffffff]', epoch milliseconds): a bad record.
		k.exec(`CREATE TABLE clock (id int, ts timestamp) ` + k.with("clock") + ` FORMAT PLAIN ENCODE JSON`)
		k.produce(rec("clock", 0, "", `{"id": 1, "ts": "yesterday"}`), rec("clock", 0, "", `{"id": 2, "ts": "now"}`),
			rec("clock", 0, "", `{"id": 3, "ts": "2024-01-01T00:00:00Z"}`))
		k.waitRows(`SELECT max(id) FROM clock`, "3")
		if got := k.query(`SELECT id FROM clock ORDER BY id`); len(got) != 1 {
			t.Error(`a JSON source decodes "yesterday"/"now" into a timestamp column (PostgreSQL input words), ` +
				`so replays after a crash decode the same record differently: ` +
				`CREATE TABLE clock (id int, ts timestamp) WITH (connector='kafka', ...) FORMAT PLAIN ENCODE JSON; ` +
				`produce {"id": 1, "ts": "yesterday"} -> row (1, <yesterday's date>), want it skipped into rw_source_errors; got ids ` + strings.Join(got, ","))
		}
	})
}

func fetchMetrics(t *testing.T, addr string) string {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// metricSum adds up the samples of a metric whose labels include label (name="value"), whatever
// other labels (partition, ...) split it.
func metricSum(body, name, label string) float64 {
	var sum float64
	for _, l := range strings.Split(body, "\n") {
		rest, ok := strings.CutPrefix(l, name+"{")
		if !ok {
			continue
		}
		labels, value, ok := strings.Cut(rest, "} ")
		if !ok || !slices.Contains(strings.Split(labels, ","), label) {
			continue
		}
		var v float64
		if _, err := fmt.Sscan(value, &v); err == nil {
			sum += v
		}
	}
	return sum
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestKafkaBrokerRestart closes the broker under a running source and starts an empty one on the
// same address, which is what restarting `runnel playground`'s broker (or kfake) amounts to: the
// topic is recreated with offsets from 0, below the ones the source committed. The source must
// carry on with the new records by itself.
func TestKafkaBrokerRestart(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 2)
	const topic = "restarts"
	k.exec(`CREATE SOURCE rs (n int) ` + k.with(topic) + ` FORMAT PLAIN ENCODE JSON`)
	k.exec(`CREATE MATERIALIZED VIEW rs_total AS SELECT count(*) AS c, sum(n) AS s FROM rs`)
	// A stored table keeps what it read before the broker lost it.
	k.exec(`CREATE TABLE rs_t (n int) ` + k.with(topic) + ` FORMAT PLAIN ENCODE JSON`)
	batch := func(first, perPartition int) (recs []*kgo.Record, sum int) {
		for i := first; i < first+2*perPartition; i++ {
			recs = append(recs, rec(topic, i%2, "", fmt.Sprintf(`{"n": %d}`, i)))
			sum += i
		}
		return recs, sum
	}
	recs, sum := batch(1, 10)
	k.produce(recs...)
	count := len(recs)
	k.waitRows(`SELECT * FROM rs_total`, fmt.Sprintf("%d %d", count, sum))

	restart := func() {
		k.broker.Close()
		b, err := kafka.StartBroker(k.addr, 2, quietLog())
		if err != nil {
			t.Fatalf("restart broker on %s: %v", k.addr, err)
		}
		k.broker = b
		// The recreated topic has a new topic ID, which the old producer's cached metadata lacks.
		k.prod = k.producer()
	}
	// First the new topic grows past the offsets the source committed (10 per partition) before
	// the reader can look: resuming at the old offsets would silently skip 10 records of each.
	restart()
	recs, s := batch(100, 12)
	k.produce(recs...)
	count, sum = count+len(recs), sum+s
	k.waitRows(`SELECT * FROM rs_total`, fmt.Sprintf("%d %d", count, sum))
	// Then it stays below them (12 committed, 1 new): the reader must not wait at its old offsets
	// for records that will only come much later.
	time.Sleep(300 * time.Millisecond) // the reader sees the broker gone and starts backing off
	restart()
	recs, s = batch(1000, 1)
	k.produce(recs...)
	count, sum = count+len(recs), sum+s
	k.waitRows(`SELECT * FROM rs_total`, fmt.Sprintf("%d %d", count, sum))

	t.Run("stored rows survive", func(t *testing.T) {
		k.t = t
		k.waitRows(`SELECT count(*) FROM rs_t WHERE n >= 1000`, "2")
		want := fmt.Sprintf("%d %d", count, sum)
		if got := k.query(`SELECT count(*), sum(n) FROM rs_t`); !slices.Equal(got, []string{want}) {
			t.Error("a connector table without a primary key must keep the rows read before its topic was recreated: " +
				"recreated topic (offsets from 0 again, as after restarting the playground's broker) overwrite the rows read before: " +
				"CREATE TABLE t (n int) WITH (connector='kafka', ...) FORMAT PLAIN ENCODE JSON; 20 records; restart the broker; " +
				"produce more -> count(*), sum(n) = " + strings.Join(got, " ") + ", want " + want)
		}
	})
}

// TestKafkaBrokerUnreachableAtCreate: CREATE SOURCE and the view over it succeed with nothing
// listening at the address; once a broker appears there, data flows without anyone asking.
func TestKafkaBrokerUnreachableAtCreate(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 1)
	addr := freeAddr(t)
	k.exec(fmt.Sprintf(`CREATE SOURCE late (n int) WITH (connector = 'kafka', topic = 'late',
		properties.bootstrap.server = '%s') FORMAT PLAIN ENCODE JSON`, addr))
	k.exec(`CREATE MATERIALIZED VIEW late_total AS SELECT count(*) AS c, sum(n) AS s FROM late`)
	// A connector table too: its reader starts at CREATE, not when a view asks.
	k.exec(fmt.Sprintf(`CREATE TABLE late_t (n int) WITH (connector = 'kafka', topic = 'late',
		properties.bootstrap.server = '127.0.0.1:1,%s') FORMAT PLAIN ENCODE JSON`, addr))
	time.Sleep(time.Second)
	k.exec("FLUSH") // barriers keep flowing while the reader retries
	k.waitRows(`SELECT * FROM late_total`, "0 NULL")

	b, err := kafka.StartBroker(addr, 3, quietLog())
	if err != nil {
		t.Fatalf("start broker on %s: %v", addr, err)
	}
	t.Cleanup(b.Close)
	k.addr = addr
	k.prod = k.producer()
	k.produce(rec("late", 0, "", `{"n": 1}`), rec("late", 1, "", `{"n": 2}`), rec("late", 2, "", `{"n": 3}`))
	k.waitRows(`SELECT * FROM late_total`, "3 6")
	k.waitRows(`SELECT count(*), sum(n) FROM late_t`, "3 6")
}

// TestKafkaKillRecovery SIGKILLs the server twice while a producer keeps writing numbered events.
// The broker lives in the test and keeps everything; after the last restart the views must hold
// every event exactly once: offsets commit with view state, so nothing is lost or read twice.
func TestKafkaKillRecovery(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 3)
	const topic = "numbered"
	const n, groups = 6000, 7
	k.exec(`CREATE SOURCE numbered (seq bigint, g int) ` + k.with(topic) + ` FORMAT PLAIN ENCODE JSON`)
	k.exec(`CREATE MATERIALIZED VIEW by_group AS SELECT g, count(*) AS c, sum(seq) AS s FROM numbered GROUP BY g`)
	k.exec(`CREATE MATERIALIZED VIEW distinct_seq AS SELECT count(DISTINCT seq) AS d, count(*) AS c FROM numbered`)
	// A view keyed by the source's row ids: a record read again after a kill must not take the id
	// of a committed row (overwriting it) nor keep its lost one beside a new one.
	k.exec(`CREATE MATERIALIZED VIEW numbered_rows AS SELECT seq FROM numbered`)
	// Two scans of one source share its reader: both must see every record once, kills or not.
	k.exec(`CREATE MATERIALIZED VIEW numbered_twice AS
		SELECT count(*) AS c, sum(seq) AS s FROM (SELECT seq FROM numbered UNION ALL SELECT seq FROM numbered) u`)
	// A stored connector table and a view over it: its reader commits offsets with the table.
	k.exec(`CREATE TABLE numbered_t (seq bigint, g int) ` + k.with(topic) + ` FORMAT PLAIN ENCODE JSON`)
	k.exec(`CREATE MATERIALIZED VIEW t_total AS SELECT count(*) AS c, sum(seq) AS s FROM numbered_t`)

	produced := make(chan error, 1)
	go func() {
		ctx := context.Background()
		// About 3 s of steady production in small synchronous batches, so the kills land mid-stream.
		for i := 0; i < n; i += 20 {
			var batch []*kgo.Record
			for j := i; j < i+20; j++ {
				batch = append(batch, rec(topic, j%3, "", fmt.Sprintf(`{"seq": %d, "g": %d}`, j, j%groups)))
			}
			if err := k.prod.ProduceSync(ctx, batch...).FirstErr(); err != nil {
				produced <- err
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		produced <- nil
	}()
	for _, at := range []time.Duration{700 * time.Millisecond, 900 * time.Millisecond} {
		time.Sleep(at)
		if err := k.srv.Restart(context.Background(), true); err != nil {
			t.Fatalf("restart after kill: %v", err)
		}
	}
	k.conn = k.connect()
	if err := <-produced; err != nil {
		t.Fatalf("produce: %v", err)
	}

	var want []string
	for g := 0; g < groups; g++ {
		c, s := 0, 0
		for j := g; j < n; j += groups {
			c++
			s += j
		}
		want = append(want, fmt.Sprintf("%d %d %d", g, c, s))
	}
	total := n * (n - 1) / 2
	k.waitRows(`SELECT * FROM distinct_seq`, fmt.Sprintf("%d %d", n, n))
	k.waitRows(`SELECT * FROM by_group ORDER BY g`, want...)
	k.waitRows(`SELECT * FROM t_total`, fmt.Sprintf("%d %d", n, total))
	k.waitRows(`SELECT count(*), count(DISTINCT seq), sum(seq) FROM numbered_t`, fmt.Sprintf("%d %d %d", n, n, total))
	k.waitRows(`SELECT count(*), count(DISTINCT seq), sum(seq) FROM numbered_rows`, fmt.Sprintf("%d %d %d", n, n, total))
	k.waitRows(`SELECT * FROM numbered_twice`, fmt.Sprintf("%d %d", 2*n, 2*total))
	// And it stays so: nothing replayed late.
	k.settle(`SELECT * FROM distinct_seq`, fmt.Sprintf("%d %d", n, n))
}

// sinkState reads a topic from the start until it has been quiet for a moment and folds the
// messages by key: the last value wins, a null value deletes.
func sinkState(t *testing.T, addr, topic string) (state map[string]string, msgs []*kgo.Record) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	state = map[string]string{}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		got := 0
		fs.EachRecord(func(r *kgo.Record) {
			got++
			msgs = append(msgs, r)
			if r.Value == nil {
				delete(state, string(r.Key))
			} else {
				state[string(r.Key)] = string(r.Value)
			}
		})
		if got == 0 {
			return state, msgs
		}
	}
}

// waitSink polls a topic until its folded state equals want (key -> value).
func waitSink(t *testing.T, addr, topic string, want map[string]string) []*kgo.Record {
	t.Helper()
	deadline := time.Now().Add(kafkaWait)
	for {
		got, msgs := sinkState(t, addr, topic)
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic %s\n  folded: %v\n  want:   %v", topic, got, want)
		}
	}
}

// TestKafkaSinks: an UPSERT sink from a view, whose folded topic must equal the view through
// inserts, updates and deletes; and an append-only sink AS a query over a source.
func TestKafkaSinks(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 2)
	k.exec(`CREATE TABLE orders (id int PRIMARY KEY, item varchar, qty int)`)
	k.exec(`CREATE MATERIALIZED VIEW per_item AS SELECT item, count(*) AS n, sum(qty) AS q FROM orders GROUP BY item`)
	k.exec(`CREATE SINK per_item_out FROM per_item ` + k.with("per-item", "primary_key = 'item'") + ` FORMAT UPSERT ENCODE JSON`)
	k.exec(`INSERT INTO orders VALUES (1, 'apple', 3), (2, 'pear', 1), (3, 'fig', 7), (4, 'apple', 2)`)
	waitSink(t, k.addr, "per-item", map[string]string{
		`{"item":"apple"}`: `{"item":"apple","n":2,"q":5}`,
		`{"item":"fig"}`:   `{"item":"fig","n":1,"q":7}`,
		`{"item":"pear"}`:  `{"item":"pear","n":1,"q":1}`,
	})
	k.exec(`UPDATE orders SET qty = 10 WHERE id = 2`)
	k.exec(`DELETE FROM orders WHERE item = 'fig'`)
	k.exec(`INSERT INTO orders VALUES (5, 'kiwi', 4)`)
	msgs := waitSink(t, k.addr, "per-item", map[string]string{
		`{"item":"apple"}`: `{"item":"apple","n":2,"q":5}`,
		`{"item":"kiwi"}`:  `{"item":"kiwi","n":1,"q":4}`,
		`{"item":"pear"}`:  `{"item":"pear","n":1,"q":10}`,
	})
	// The folded topic is the view, row for row.
	if got := k.query(`SELECT item, n, q FROM per_item ORDER BY item`); !slices.Equal(got, []string{"apple 2 5", "kiwi 1 4", "pear 1 10"}) {
		t.Errorf("per_item = %q", got)
	}
	t.Run("updates without tombstones", func(t *testing.T) {
		var tombs []string
		for _, m := range msgs {
			if m.Value == nil {
				tombs = append(tombs, string(m.Key))
			}
		}
		// An update keeps its key: consumers (and log compaction) must not see the key vanish.
		if len(tombs) != 1 || tombs[0] != `{"item":"fig"}` {
			t.Errorf("tombstones for %q, want only the deleted fig", tombs)
		}
	})

	// PLAIN from a view with updates is refused; with force_append_only only inserts are written.
	_, err := k.conn.Exec(context.Background(), `CREATE SINK bad FROM per_item `+k.with("x")+` FORMAT PLAIN ENCODE JSON`)
	if sqlState(err) != "22023" {
		t.Errorf("PLAIN sink over an updating view: got %v, want SQLSTATE 22023", err)
	}
	k.exec(`CREATE SINK big_orders AS SELECT id, item, qty FROM orders WHERE qty >= 4 ` + k.with("big-orders") + ` FORMAT PLAIN ENCODE JSON (force_append_only = 'true')`)
	k.exec(`INSERT INTO orders VALUES (6, 'plum', 9), (7, 'plum', 1)`)
	k.exec(`DELETE FROM orders WHERE id = 6`) // not written: append-only
	var values []string
	for _, m := range waitSinkCount(t, k.addr, "big-orders", 3) {
		if m.Key != nil {
			t.Errorf("append-only message with a key: %s", m.Key)
		}
		values = append(values, string(m.Value))
	}
	slices.Sort(values)
	want := []string{`{"id":2,"item":"pear","qty":10}`, `{"id":5,"item":"kiwi","qty":4}`, `{"id":6,"item":"plum","qty":9}`}
	if !slices.Equal(values, want) {
		t.Errorf("big-orders\n  got:  %q\n  want: %q", values, want)
	}

	// A source straight to a sink, transformed on the way: PLAIN needs no option, a source only inserts.
	k.exec(`CREATE SOURCE clicks (user_id int, url varchar) ` + k.with("clicks") + ` FORMAT PLAIN ENCODE JSON`)
	k.exec(`CREATE SINK click_urls AS SELECT upper(url) AS u FROM clicks WHERE user_id > 1 ` + k.with("click-urls") + ` FORMAT PLAIN ENCODE JSON`)
	k.produce(rec("clicks", 0, "", `{"user_id": 1, "url": "a"}`), rec("clicks", 1, "", `{"user_id": 2, "url": "b"}`), rec("clicks", 0, "", `{"user_id": 3, "url": "c"}`))
	values = values[:0]
	for _, m := range waitSinkCount(t, k.addr, "click-urls", 2) {
		values = append(values, string(m.Value))
	}
	slices.Sort(values)
	if want := []string{`{"u":"B"}`, `{"u":"C"}`}; !slices.Equal(values, want) {
		t.Errorf("click-urls\n  got:  %q\n  want: %q", values, want)
	}
}

// waitSinkCount polls a topic until it holds at least n messages and returns them all (a few
// more would be at-least-once duplicates, which the caller's comparison then reports).
func waitSinkCount(t *testing.T, addr, topic string, n int) []*kgo.Record {
	t.Helper()
	deadline := time.Now().Add(kafkaWait)
	for {
		_, msgs := sinkState(t, addr, topic)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("topic %s: %d messages after %v, want %d", topic, len(msgs), kafkaWait, n)
		}
	}
}

// TestKafkaKcat produces with kcat, the tool the README shows, one JSON event per line.
func TestKafkaKcat(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat is not installed (Debian package kcat)")
	}
	t.Parallel()
	k := newKafkaEnv(t, 4)
	for _, q := range aircraftDDL(k, "aircraft-events") {
		k.exec(q)
	}
	lines := `{"registration_number": "N12345", "event_type": "takeoff", "timestamp": "2024-05-01T08:00:00Z"}
{"registration_number": "N12345", "event_type": "landing", "timestamp": "2024-05-01T09:10:00Z"}
{"registration_number": "G-ABCD", "event_type": "takeoff", "timestamp": "2024-05-01 08:30:00"}
`
	cmd := exec.Command(kcat, "-P", "-b", k.addr, "-t", "aircraft-events")
	cmd.Stdin = strings.NewReader(lines)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kcat: %v\n%s", err, out)
	}
	k.waitRows(`SELECT registration_number, event_type, events, last_seen FROM aircraft_stats ORDER BY 1, 2`,
		"G-ABCD takeoff 1 2024-05-01 08:30:00+00",
		"N12345 landing 1 2024-05-01 09:10:00+00",
		"N12345 takeoff 1 2024-05-01 08:00:00+00",
	)
}

// TestKafkaDecodingAndOptions covers the JSON mapping (names, types, timestamps, nesting, missing
// fields), INCLUDE columns, the startup modes and option errors.
func TestKafkaDecodingAndOptions(t *testing.T) {
	t.Parallel()
	k := newKafkaEnv(t, 2)

	t.Run("json", func(t *testing.T) {
		k.t = t
		k.exec(`CREATE TABLE j (id int, "Name" varchar, small smallint, big bigint, amount numeric, ratio double precision,
			real_v real, ok boolean, d date, ts timestamp, tz timestamptz, ms timestamptz, ms_ts timestamp, doc jsonb, absent varchar) ` +
			k.with("json") + ` FORMAT PLAIN ENCODE JSON`)
		k.produce(
			rec("json", 0, "", `{"id": 1, "name": "case-insensitive", "small": 7, "big": 9007199254740993, "amount": 12.345,
				"ratio": 2, "real_v": 1.5, "ok": true, "d": "2024-02-29", "ts": "2024-01-02 03:04:05.123456",
				"tz": "2024-01-02T03:04:05+02:00", "ms": 1704164645123, "ms_ts": 1704164645000,
				"doc": {"a": [1, {"b": null}], "c": "x"}, "extra": "ignored"}`),
			rec("json", 1, "", `{"ID": 2, "Name": "exact", "amount": 7, "ratio": 1e3, "tz": "2024-01-02 03:04:05", "doc": [1, 2]}`),
			rec("json", 1, "", `{"id": 3, "small": null, "doc": null}`),
			rec("json", 0, "", `{}`),
		)
		k.waitRows(`SELECT * FROM j ORDER BY id NULLS LAST`,
			`1 case-insensitive 7 9007199254740993 12.345 2 1.5 t 2024-02-29 2024-01-02 03:04:05.123456 2024-01-02 01:04:05+00 2024-01-02 03:04:05.123+00 2024-01-02 03:04:05 {"a": [1, {"b": null}], "c": "x"} NULL`,
			`2 exact NULL NULL 7 1000 NULL NULL NULL NULL 2024-01-02 03:04:05+00 NULL NULL [1, 2] NULL`,
			`3 NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL`,
			`NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL NULL`,
		)
	})

	t.Run("include", func(t *testing.T) {
		k.t = t
		k.exec(`CREATE TABLE inc (v int) INCLUDE partition AS part INCLUDE offset INCLUDE timestamp AS kts INCLUDE key AS k ` +
			k.with("inc") + ` FORMAT PLAIN ENCODE JSON`)
		ts := time.Date(2024, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
		r1 := rec("inc", 1, "key-1", `{"v": 10}`)
		r1.Timestamp = ts
		r2 := rec("inc", 1, "", `{"v": 11}`)
		r2.Timestamp = ts.Add(time.Second)
		r3 := rec("inc", 0, "k0", `{"v": 12}`)
		r3.Timestamp = ts.Add(2 * time.Second)
		k.produce(r1, r2, r3)
		k.waitRows(`SELECT v, part, _rw_kafka_offset, kts, k FROM inc ORDER BY v`,
			`10 1 0 2024-03-04 05:06:07.89+00 \x6b65792d31`,
			`11 1 1 2024-03-04 05:06:08.89+00 NULL`,
			`12 0 0 2024-03-04 05:06:09.89+00 \x6b30`,
		)
		// On a source, the INCLUDE columns reach views; default names are RisingWave's.
		k.exec(`CREATE SOURCE inc_src (v int) INCLUDE partition INCLUDE offset AS o ` + k.with("inc") + ` FORMAT PLAIN ENCODE JSON`)
		k.exec(`CREATE MATERIALIZED VIEW inc_mv AS SELECT _rw_kafka_partition AS p, max(o::bigint) AS last, count(*) AS n FROM inc_src GROUP BY 1`)
		k.waitRows(`SELECT * FROM inc_mv ORDER BY p`, "0 0 1", "1 1 2")
	})

	t.Run("startup", func(t *testing.T) {
		k.t = t
		old := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
		var recs []*kgo.Record
		for i := 0; i < 6; i++ {
			r := rec("startup", i%2, "", fmt.Sprintf(`{"seq": %d}`, i))
			r.Timestamp = old.Add(time.Duration(i) * time.Minute)
			recs = append(recs, r)
		}
		k.produce(recs...)
		// From the 3rd minute on: the first record at or after the timestamp, in every partition.
		k.exec(fmt.Sprintf(`CREATE TABLE from_ts (seq int) %s FORMAT PLAIN ENCODE JSON`,
			k.with("startup", fmt.Sprintf("scan.startup.timestamp.millis = '%d'", old.Add(3*time.Minute).UnixMilli()))))
		k.exec(`CREATE TABLE from_latest (seq int) ` + k.with("startup", "scan.startup.mode = 'latest'") + ` FORMAT PLAIN ENCODE JSON`)
		k.exec(`CREATE TABLE from_earliest (seq int) ` + k.with("startup", "scan.startup.mode = 'earliest'") + ` FORMAT PLAIN ENCODE JSON`)
		k.waitRows(`SELECT seq FROM from_ts ORDER BY seq`, "3", "4", "5")
		k.waitRows(`SELECT seq FROM from_earliest ORDER BY seq`, "0", "1", "2", "3", "4", "5")
		// When latest's reader has placed itself is not observable, so keep producing until new
		// records show up; none of the old ones may.
		deadline := time.Now().Add(kafkaWait)
		for seq := 100; ; seq++ {
			k.produce(rec("startup", seq%2, "", fmt.Sprintf(`{"seq": %d}`, seq)))
			rows := k.query(`SELECT min(seq) FROM from_latest`)
			if len(rows) == 1 && rows[0] != "NULL" {
				if rows[0] < "100" {
					t.Fatalf("scan.startup.mode = 'latest' read an earlier record: min(seq) = %s", rows[0])
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("scan.startup.mode = 'latest' read nothing of records produced after CREATE")
			}
			time.Sleep(100 * time.Millisecond)
		}
	})

	t.Run("errors", func(t *testing.T) {
		k.t = t
		cases := []struct {
			name, sql, state, mention string
		}{
			{"unknown source option", `CREATE SOURCE e1 (a int) ` + k.with("e", "scan.startup.mod = 'latest'") + ` FORMAT PLAIN ENCODE JSON`, "22023", "scan.startup.mod"},
			{"unknown table option", `CREATE TABLE e2 (a int) ` + k.with("e", "propertes.bootstrap.server = 'x'") + ` FORMAT PLAIN ENCODE JSON`, "22023", "propertes.bootstrap.server"},
			{"unknown sink option", `CREATE SINK e3 AS SELECT 1 AS a ` + k.with("e", "primary_keys = 'a'") + ` FORMAT UPSERT ENCODE JSON`, "22023", "primary_keys"},
			{"bad startup mode", `CREATE SOURCE e4 (a int) ` + k.with("e", "scan.startup.mode = 'newest'") + ` FORMAT PLAIN ENCODE JSON`, "22023", "scan.startup.mode"},
			{"bad timestamp", `CREATE SOURCE e5 (a int) ` + k.with("e", "scan.startup.timestamp.millis = 'noon'") + ` FORMAT PLAIN ENCODE JSON`, "22023", "scan.startup.timestamp.millis"},
			{"no topic", `CREATE SOURCE e6 (a int) WITH (connector = 'kafka', properties.bootstrap.server = 'x:1') FORMAT PLAIN ENCODE JSON`, "22023", "topic"},
			{"no bootstrap", `CREATE SOURCE e7 (a int) WITH (connector = 'kafka', topic = 't') FORMAT PLAIN ENCODE JSON`, "22023", "properties.bootstrap.server"},
			{"upsert source", `CREATE SOURCE e8 (a int PRIMARY KEY) ` + k.with("e") + ` FORMAT UPSERT ENCODE JSON`, "0A000", "UPSERT"},
			{"upsert without key", `CREATE TABLE e9 (a int) ` + k.with("e") + ` FORMAT UPSERT ENCODE JSON`, "22023", "PRIMARY KEY"},
			{"upsert sink without key", `CREATE SINK e10 AS SELECT 1 AS a ` + k.with("e") + ` FORMAT UPSERT ENCODE JSON`, "22023", "primary_key"},
		}
		for _, c := range cases {
			_, err := k.conn.Exec(context.Background(), c.sql)
			if sqlState(err) != c.state || err == nil || !strings.Contains(err.Error(), c.mention) {
				t.Errorf("%s: got %v (SQLSTATE %q), want SQLSTATE %s naming %q", c.name, err, sqlState(err), c.state, c.mention)
			}
		}
		// A failed CREATE leaves nothing behind: the names are free.
		k.exec(`CREATE SOURCE e1 (a int) ` + k.with("e") + ` FORMAT PLAIN ENCODE JSON`)
		k.exec(`CREATE TABLE e2 (a int) ` + k.with("e") + ` FORMAT PLAIN ENCODE JSON`)
	})
}
