package kafka

import (
	"sort"
	"strconv"
	"strings"

	"github.com/runnel-db/runnel/pgerr"
)

// Options are a Kafka connector's WITH options, validated.
type Options struct {
	Topic   string
	Brokers []string // properties.bootstrap.server, comma list

	// Source options.
	StartupMode            string // scan.startup.mode: "earliest" (default) | "latest"
	StartupTimestampMillis int64  // scan.startup.timestamp.millis (0 = unset): first offset at/after it

	// Sink options.
	PrimaryKey      []string // primary_key, comma list: the message key columns of upsert sinks
	SinkType        string   // type: "append-only" | "upsert" | "debezium" | "" (from FORMAT)
	ForceAppendOnly bool     // force_append_only
	Compression     string   // properties.compression.codec: none|gzip|snappy|lz4|zstd
	LingerMillis    int64    // properties.linger.ms

	ClientID string // properties.client.id
	Security Security
}

// Security is how the client authenticates and encrypts (librdkafka's property names).
type Security struct {
	Protocol      string // PLAINTEXT (default) | SSL | SASL_PLAINTEXT | SASL_SSL
	SASLMechanism string // PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
	SASLUsername  string
	SASLPassword  string
	CALocation    string // PEM file of CAs; system pool when empty
	CertLocation  string // client certificate (mutual TLS)
	KeyLocation   string
	// VerifyHostname is false only with properties.ssl.endpoint.identification.algorithm = 'none' (or
	// empty), librdkafka's switch for self-signed test clusters.
	VerifyHostname bool
}

// TLS reports whether connections use TLS.
func (s Security) TLS() bool { return s.Protocol == "SSL" || s.Protocol == "SASL_SSL" }

// SASL reports whether connections authenticate with SASL.
func (s Security) SASL() bool { return s.Protocol == "SASL_PLAINTEXT" || s.Protocol == "SASL_SSL" }

type setter func(o *Options, v string) error

// common holds the options both sources and sinks take; sourceOnly and sinkOnly the rest. Keys are
// RisingWave's (which are librdkafka's under "properties."), so DDL written for RisingWave works.
var common = map[string]setter{
	"connector":                    func(o *Options, v string) error { return nil },
	"topic":                        func(o *Options, v string) error { o.Topic = strings.TrimSpace(v); return nil },
	"properties.bootstrap.server":  setBrokers,
	"properties.bootstrap.servers": setBrokers,
	"properties.client.id":         func(o *Options, v string) error { o.ClientID = v; return nil },
	"properties.security.protocol": func(o *Options, v string) error {
		p := strings.ToUpper(strings.TrimSpace(v))
		switch p {
		case "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL":
			o.Security.Protocol = p
			return nil
		}
		return badValue("properties.security.protocol", v, "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL")
	},
	"properties.sasl.mechanism": func(o *Options, v string) error {
		m := strings.ToUpper(strings.TrimSpace(v))
		switch m {
		case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
			o.Security.SASLMechanism = m
			return nil
		}
		return badValue("properties.sasl.mechanism", v, "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
	},
	"properties.sasl.username":   func(o *Options, v string) error { o.Security.SASLUsername = v; return nil },
	"properties.sasl.password":   func(o *Options, v string) error { o.Security.SASLPassword = v; return nil },
	"properties.ssl.ca.location": func(o *Options, v string) error { o.Security.CALocation = v; return nil },
	"properties.ssl.certificate.location": func(o *Options, v string) error {
		o.Security.CertLocation = v
		return nil
	},
	"properties.ssl.key.location": func(o *Options, v string) error { o.Security.KeyLocation = v; return nil },
	"properties.ssl.endpoint.identification.algorithm": func(o *Options, v string) error {
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "https":
			o.Security.VerifyHostname = true
		case "", "none":
			o.Security.VerifyHostname = false
		default:
			return badValue("properties.ssl.endpoint.identification.algorithm", v, "https or none")
		}
		return nil
	},
	"properties.ssl.key.password": func(o *Options, v string) error {
		return pgerr.Unsupported("properties.ssl.key.password is not supported: use an unencrypted key file")
	},
}

var sourceOnly = map[string]setter{
	"scan.startup.mode": func(o *Options, v string) error {
		m := strings.ToLower(strings.TrimSpace(v))
		switch m {
		case "earliest", "latest":
			o.StartupMode = m
			return nil
		}
		return badValue("scan.startup.mode", v, "earliest or latest")
	},
	"scan.startup.timestamp.millis": setStartupTimestamp,
	"scan.startup.timestamp_millis": setStartupTimestamp, // RisingWave's older spelling
	// Consumer-group naming has no effect (no group is used) but is accepted so RisingWave DDL runs.
	"group.id.prefix":            func(o *Options, v string) error { return nil },
	"properties.group.id.prefix": func(o *Options, v string) error { return nil },
}

var sinkOnly = map[string]setter{
	"primary_key": func(o *Options, v string) error {
		o.PrimaryKey = nil
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c != "" {
				o.PrimaryKey = append(o.PrimaryKey, c)
			}
		}
		return nil
	},
	"type": func(o *Options, v string) error {
		t := strings.ToLower(strings.TrimSpace(v))
		switch t {
		case "append-only", "upsert", "debezium":
			o.SinkType = t
			return nil
		}
		return badValue("type", v, "append-only, upsert or debezium")
	},
	"force_append_only": func(o *Options, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return badValue("force_append_only", v, "true or false")
		}
		o.ForceAppendOnly = b
		return nil
	},
	"properties.compression.codec": setCompression,
	"properties.compression.type":  setCompression,
	"properties.linger.ms": func(o *Options, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 {
			return badValue("properties.linger.ms", v, "a non-negative integer")
		}
		o.LingerMillis = n
		return nil
	},
}

func setBrokers(o *Options, v string) error {
	o.Brokers = nil
	for _, b := range strings.Split(v, ",") {
		if b = strings.TrimSpace(b); b != "" {
			o.Brokers = append(o.Brokers, b)
		}
	}
	return nil
}

func setStartupTimestamp(o *Options, v string) error {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n < 0 {
		return badValue("scan.startup.timestamp.millis", v, "milliseconds since the Unix epoch")
	}
	o.StartupTimestampMillis = n
	return nil
}

func setCompression(o *Options, v string) error {
	c := strings.ToLower(strings.TrimSpace(v))
	switch c {
	case "none", "gzip", "snappy", "lz4", "zstd":
		o.Compression = c
		return nil
	}
	return badValue("properties.compression.codec", v, "none, gzip, snappy, lz4 or zstd")
}

func badValue(key, v, want string) error {
	return pgerr.New(pgerr.InvalidParameterValue, "invalid value %q for option %q of the kafka connector", v, key).
		WithHint("Expected %s.", want)
}

// ParseSourceOptions validates the WITH options of a Kafka source.
func ParseSourceOptions(with map[string]string) (*Options, error) {
	o, err := parse(with, sourceOnly)
	if err != nil {
		return nil, err
	}
	if o.StartupMode == "" {
		o.StartupMode = "earliest"
	}
	return o, nil
}

// ParseSinkOptions validates the WITH options of a Kafka sink.
func ParseSinkOptions(with map[string]string) (*Options, error) {
	return parse(with, sinkOnly)
}

func parse(with map[string]string, extra map[string]setter) (*Options, error) {
	o := &Options{Security: Security{Protocol: "PLAINTEXT", VerifyHostname: true}}
	// Sorted so that, of several bad keys, the same one is always reported.
	keys := make([]string, 0, len(with))
	for k := range with {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, ok := common[k]
		if !ok {
			set, ok = extra[k]
		}
		if !ok {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unknown option %q for the kafka connector", k)
		}
		if err := set(o, with[k]); err != nil {
			return nil, err
		}
	}
	if o.Topic == "" {
		return nil, missing("topic")
	}
	if len(o.Brokers) == 0 {
		return nil, missing("properties.bootstrap.server")
	}
	s := &o.Security
	if s.SASL() {
		if s.SASLMechanism == "" {
			s.SASLMechanism = "PLAIN"
		}
		if s.SASLUsername == "" {
			return nil, missing("properties.sasl.username")
		}
	} else if s.SASLMechanism != "" || s.SASLUsername != "" {
		return nil, pgerr.New(pgerr.InvalidParameterValue,
			"SASL options need properties.security.protocol SASL_PLAINTEXT or SASL_SSL, not %s", s.Protocol)
	}
	if (s.CertLocation == "") != (s.KeyLocation == "") {
		return nil, pgerr.New(pgerr.InvalidParameterValue,
			"properties.ssl.certificate.location and properties.ssl.key.location must be given together")
	}
	return o, nil
}

func missing(key string) error {
	return pgerr.New(pgerr.InvalidParameterValue, "option %q is required for the kafka connector", key)
}
