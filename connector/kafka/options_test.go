package kafka

import (
	"strings"
	"testing"

	"github.com/runnel-db/runnel/pgerr"
)

func TestParseOptions(t *testing.T) {
	base := func(kv ...string) map[string]string {
		m := map[string]string{"connector": "kafka", "topic": "bids", "properties.bootstrap.server": "a:9092, b:9092"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "<del>" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	tests := []struct {
		name    string
		sink    bool
		with    map[string]string
		errCode string
		errHas  string
		check   func(*Options) bool
	}{
		{name: "defaults", with: base(), check: func(o *Options) bool {
			return o.Topic == "bids" && len(o.Brokers) == 2 && o.Brokers[1] == "b:9092" && o.StartupMode == "earliest" && o.Security.Protocol == "PLAINTEXT"
		}},
		{name: "latest", with: base("scan.startup.mode", "LATEST"), check: func(o *Options) bool { return o.StartupMode == "latest" }},
		{name: "timestamp", with: base("scan.startup.timestamp.millis", "1700000000000"), check: func(o *Options) bool { return o.StartupTimestampMillis == 1700000000000 }},
		{name: "bad mode", with: base("scan.startup.mode", "middle"), errCode: pgerr.InvalidParameterValue, errHas: "scan.startup.mode"},
		{name: "bad timestamp", with: base("scan.startup.timestamp.millis", "soon"), errCode: pgerr.InvalidParameterValue, errHas: "scan.startup.timestamp.millis"},
		{name: "unknown key", with: base("foo", "1"), errCode: pgerr.InvalidParameterValue, errHas: `unknown option "foo" for the kafka connector`},
		{name: "sink key on source", with: base("primary_key", "a"), errCode: pgerr.InvalidParameterValue, errHas: `"primary_key"`},
		{name: "source key on sink", sink: true, with: base("scan.startup.mode", "latest"), errCode: pgerr.InvalidParameterValue, errHas: `"scan.startup.mode"`},
		{name: "no topic", with: base("topic", "<del>"), errCode: pgerr.InvalidParameterValue, errHas: `"topic"`},
		{name: "no brokers", with: base("properties.bootstrap.server", "<del>"), errCode: pgerr.InvalidParameterValue, errHas: "properties.bootstrap.server"},
		{name: "empty brokers", with: base("properties.bootstrap.server", " , "), errCode: pgerr.InvalidParameterValue, errHas: "properties.bootstrap.server"},
		{name: "sasl", with: base("properties.security.protocol", "sasl_ssl", "properties.sasl.mechanism", "SCRAM-SHA-512", "properties.sasl.username", "u", "properties.sasl.password", "p"),
			check: func(o *Options) bool {
				return o.Security.SASL() && o.Security.TLS() && o.Security.SASLMechanism == "SCRAM-SHA-512" && o.Security.SASLUsername == "u"
			}},
		{name: "sasl without user", with: base("properties.security.protocol", "SASL_PLAINTEXT"), errCode: pgerr.InvalidParameterValue, errHas: "properties.sasl.username"},
		{name: "sasl on plaintext", with: base("properties.sasl.username", "u"), errCode: pgerr.InvalidParameterValue, errHas: "SASL"},
		{name: "bad protocol", with: base("properties.security.protocol", "TLS"), errCode: pgerr.InvalidParameterValue, errHas: "properties.security.protocol"},
		{name: "bad mechanism", with: base("properties.security.protocol", "SASL_SSL", "properties.sasl.mechanism", "GSSAPI"), errCode: pgerr.InvalidParameterValue, errHas: "properties.sasl.mechanism"},
		{name: "cert without key", with: base("properties.security.protocol", "SSL", "properties.ssl.certificate.location", "/c.pem"), errCode: pgerr.InvalidParameterValue, errHas: "together"},
		{name: "no hostname check", with: base("properties.security.protocol", "SSL", "properties.ssl.endpoint.identification.algorithm", "none"), check: func(o *Options) bool { return !o.Security.VerifyHostname }},
		{name: "key password", with: base("properties.ssl.key.password", "x"), errCode: pgerr.FeatureNotSupported},
		{name: "sink", sink: true, with: base("primary_key", "id,  ts", "type", "upsert", "properties.compression.codec", "zstd", "properties.linger.ms", "5"),
			check: func(o *Options) bool {
				return len(o.PrimaryKey) == 2 && o.PrimaryKey[1] == "ts" && o.SinkType == "upsert" && o.Compression == "zstd" && o.LingerMillis == 5
			}},
		{name: "sink bad type", sink: true, with: base("type", "merge"), errCode: pgerr.InvalidParameterValue, errHas: `"type"`},
		{name: "sink bad linger", sink: true, with: base("properties.linger.ms", "-1"), errCode: pgerr.InvalidParameterValue, errHas: "linger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parse := ParseSourceOptions
			if tt.sink {
				parse = ParseSinkOptions
			}
			o, err := parse(tt.with)
			if tt.errCode != "" {
				if err == nil {
					t.Fatalf("no error, got %+v", o)
				}
				if pgerr.Code(err) != tt.errCode || !strings.Contains(err.Error(), tt.errHas) {
					t.Fatalf("error %s %q, want %s containing %q", pgerr.Code(err), err, tt.errCode, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o) {
				t.Fatalf("options %+v", o)
			}
		})
	}
}
