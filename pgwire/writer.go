package pgwire

import (
	"encoding/binary"
	"fmt"
	"net"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/runnel-db/runnel/pgerr"
	"github.com/runnel-db/runnel/types"
)

// Format codes of parameters and results.
const (
	textFormat   = 0
	binaryFormat = 1
)

// flushThreshold is how much output we gather before writing it out mid-query: large enough that a
// 100k-row SELECT costs a few hundred syscalls rather than one per row.
const flushThreshold = 64 << 10

// writer buffers outgoing messages. We do not use pgproto3.Backend's Send/Flush because it reallocates
// its buffer after every large flush and cannot encode a DataRow in place; here a DataRow's values are
// appended straight into the output buffer, so the row path allocates nothing.
//
// It is not safe for concurrent use: the Client methods must be called from the goroutine running
// the Session method, which is what keeps notices in order with the rows around them.
type writer struct {
	conn net.Conn
	buf  []byte
	err  error // first write error; later writes are dropped
}

func newWriter(c net.Conn) *writer {
	return &writer{conn: c, buf: make([]byte, 0, 8<<10)}
}

// send appends one message built by pgproto3.
func (w *writer) send(msg pgproto3.BackendMessage) {
	buf, err := msg.Encode(w.buf)
	if err != nil {
		// Only oversized fields fail to encode; report that instead of corrupting the stream.
		w.buf, _ = (&pgproto3.ErrorResponse{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: "XX000",
			Message: fmt.Sprintf("encode %T: %v", msg, err)}).Encode(w.buf)
		return
	}
	w.buf = buf
	w.flushIfLarge()
}

// flush writes everything buffered to the connection.
func (w *writer) flush() error {
	if w.err != nil {
		w.buf = w.buf[:0]
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.conn.Write(w.buf)
	w.buf = w.buf[:0]
	if err != nil {
		w.err = fmt.Errorf("write to client: %w", err)
	}
	// Do not let one huge row pin a huge buffer for the rest of the connection.
	if cap(w.buf) > 4*flushThreshold {
		w.buf = make([]byte, 0, 8<<10)
	}
	return w.err
}

func (w *writer) flushIfLarge() {
	if len(w.buf) >= flushThreshold {
		_ = w.flush()
	}
}

// beginMessage starts a message of type t and returns the offset of its length field.
func beginMessage(buf []byte, t byte) ([]byte, int) {
	buf = append(buf, t, 0, 0, 0, 0)
	return buf, len(buf) - 4
}

func finishMessage(buf []byte, lenAt int) []byte {
	binary.BigEndian.PutUint32(buf[lenAt:], uint32(len(buf)-lenAt))
	return buf
}

// dataRow appends a DataRow for row, each column in its format (nil formats: all text). The row is
// encoded into a local slice header and committed at the end, so an error or a panic halfway leaves
// the buffer as it was.
func (w *writer) dataRow(row types.Row, cols []Column, formats []int16, loc *time.Location) error {
	if len(row) != len(cols) {
		return pgerr.New(pgerr.InternalError, "row has %d values for %d columns", len(row), len(cols))
	}
	buf, lenAt := beginMessage(w.buf, 'D')
	buf = binary.BigEndian.AppendUint16(buf, uint16(len(row)))
	for i, d := range row {
		if d.IsNull() {
			buf = append(buf, 0xFF, 0xFF, 0xFF, 0xFF)
			continue
		}
		at := len(buf)
		buf = append(buf, 0, 0, 0, 0)
		if formats != nil && formats[i] == binaryFormat {
			var err error
			if buf, err = appendBinary(buf, cols[i].Type, d); err != nil {
				return err
			}
		} else {
			buf = types.AppendText(buf, d, loc)
		}
		binary.BigEndian.PutUint32(buf[at:], uint32(len(buf)-at-4))
	}
	w.buf = finishMessage(buf, lenAt)
	w.flushIfLarge()
	return nil
}

// rowDescription describes cols with their result formats (nil: all text).
func rowDescription(cols []Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		f := pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.Attr),
			DataTypeOID:          col.Type.OID(),
			DataTypeSize:         col.Type.Size(),
			TypeModifier:         -1,
		}
		if formats != nil {
			f.Format = formats[i]
		}
		fields[i] = f
	}
	return &pgproto3.RowDescription{Fields: fields}
}
