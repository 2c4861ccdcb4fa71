package engine

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// ServerVersion is the PostgreSQL version Runnel reports: clients pick their catalog queries by it,
// and RisingWave reports the same.
const (
	ServerVersion    = "13.14.0"
	ServerVersionNum = "130014"
	Version          = "0.1.0"
)

// setting is a run-time parameter.
type setting struct {
	def  string
	desc string
	// report: sent to the client in ParameterStatus at start and when changed.
	report bool
	// readOnly settings cannot be SET.
	readOnly bool
	// check validates and normalises a new value.
	check func(v string) (string, error)
}

var settings = map[string]*setting{
	"server_version":                      {def: ServerVersion, report: true, readOnly: true, desc: "Shows the server version."},
	"server_version_num":                  {def: ServerVersionNum, readOnly: true, desc: "Shows the server version as an integer."},
	"server_encoding":                     {def: "UTF8", report: true, readOnly: true, desc: "Shows the server (database) character set encoding."},
	"client_encoding":                     {def: "UTF8", report: true, desc: "Sets the client's character set encoding.", check: checkEncoding},
	"datestyle":                           {def: "ISO, MDY", report: true, desc: "Sets the display format for date and time values."},
	"intervalstyle":                       {def: "postgres", report: true, desc: "Sets the display format for interval values."},
	"timezone":                            {def: "UTC", report: true, desc: "Sets the time zone for displaying and interpreting time stamps.", check: checkTimeZone},
	"integer_datetimes":                   {def: "on", report: true, readOnly: true, desc: "Shows whether datetimes are integer based."},
	"standard_conforming_strings":         {def: "on", report: true, desc: "Causes '...' strings to treat backslashes literally."},
	"application_name":                    {def: "", report: true, desc: "Sets the application name to be reported in statistics and logs."},
	"is_superuser":                        {def: "on", report: true, readOnly: true, desc: "Shows whether the current user is a superuser."},
	"session_authorization":               {def: "root", report: true, readOnly: true, desc: "Sets the session user name."},
	"search_path":                         {def: "\"$user\", public", desc: "Sets the schema search order for names that are not schema-qualified."},
	"extra_float_digits":                  {def: "1", desc: "Sets the number of digits displayed for floating-point values."},
	"transaction_isolation":               {def: "read committed", desc: "Sets the current transaction's isolation level."},
	"default_transaction_isolation":       {def: "read committed", desc: "Sets the transaction isolation level of each new transaction."},
	"transaction_read_only":               {def: "off", desc: "Sets the current transaction's read-only status."},
	"statement_timeout":                   {def: "0", desc: "Sets the maximum allowed duration of any statement."},
	"lock_timeout":                        {def: "0", desc: "Sets the maximum allowed duration of any wait for a lock."},
	"idle_in_transaction_session_timeout": {def: "0", desc: "Sets the maximum allowed idle time between queries, when in a transaction."},
	"max_identifier_length":               {def: "63", readOnly: true, desc: "Shows the maximum identifier length."},
	"client_min_messages":                 {def: "notice", desc: "Sets the message levels that are sent to the client."},
	"bytea_output":                        {def: "hex", desc: "Sets the output format for bytea."},
	"default_transaction_read_only":       {def: "off", desc: "Sets the default read-only status of new transactions."},
	"lc_messages":                         {def: "en_US.UTF-8", desc: "Sets the language in which messages are displayed."},
	"lc_collate":                          {def: "C", readOnly: true, desc: "Shows the collation order locale."},
	"lc_ctype":                            {def: "C", readOnly: true, desc: "Shows the character classification and case conversion locale."},
	"rw_implicit_flush":                   {def: "true", desc: "If true, every DML statement waits until its changes are committed and visible.", check: checkBool},
	"streaming_parallelism":               {def: "0", desc: "Parallelism of new streaming jobs; 0 means the number of cores."},
	"row_security":                        {def: "on", desc: "Enable row security."},
	"jit":                                 {def: "off", desc: "Allow JIT compilation."},
	"max_connections":                     {def: "1000", readOnly: true, desc: "Sets the maximum number of concurrent connections."},
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(v, "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	}
	return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"client_encoding\": %q", v).WithDetail("Runnel only supports UTF8.")
}

func checkTimeZone(v string) (string, error) {
	if _, err := loadLocation(v); err != nil {
		return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", v)
	}
	return v, nil
}

func checkBool(v string) (string, error) {
	switch strings.ToLower(v) {
	case "true", "on", "yes", "1", "t":
		return "true", nil
	case "false", "off", "no", "0", "f":
		return "false", nil
	}
	return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for a boolean parameter: %q", v)
}

var posixOffset = regexp.MustCompile(`^([+-]?)(\d{1,2})(?::(\d{2}))?$`)

// loadLocation resolves a TimeZone value as PostgreSQL does (zone names, abbreviations, and bare
// offsets in POSIX's sign convention: '+05:30' is 5:30 west of Greenwich).
func loadLocation(v string) (*time.Location, error) {
	switch strings.ToLower(v) {
	case "default", "local":
		return time.UTC, nil
	}
	if m := posixOffset.FindStringSubmatch(v); m != nil {
		// A bare offset in a TimeZone setting is POSIX: positive means west of Greenwich (unlike
		// an offset inside a timestamp literal, which types.LoadZone reads as ISO 8601 does).
		h, _ := strconv.Atoi(m[2])
		mins := 0
		if m[3] != "" {
			mins, _ = strconv.Atoi(m[3])
		}
		if h > 15 || mins > 59 {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", v)
		}
		off := h*3600 + mins*60
		if m[1] != "-" {
			off = -off
		}
		return time.FixedZone(v, off), nil
	}
	l, err := types.LoadZone(v)
	if err != nil {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter \"TimeZone\": %q", v)
	}
	return l, nil
}

// reportedName is how ParameterStatus spells a setting (PostgreSQL's mixed case for a few).
func reportedName(name string) string {
	switch name {
	case "datestyle":
		return "DateStyle"
	case "intervalstyle":
		return "IntervalStyle"
	case "timezone":
		return "TimeZone"
	}
	return name
}

func settingNames() []string {
	names := make([]string, 0, len(settings))
	for n := range settings {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
