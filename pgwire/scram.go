package pgwire

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"
)

// scramIterations matches PostgreSQL's default scram_iterations.
const scramIterations = 4096

const scramMechanism = "SCRAM-SHA-256"

// scramVerifier is what PostgreSQL stores in pg_authid for a SCRAM password. It is derived once per
// server so that a connection costs two HMACs, not 4096.
type scramVerifier struct {
	salt      []byte
	storedKey []byte
	serverKey []byte
}

func newSCRAMVerifier(password string) *scramVerifier {
	salt := make([]byte, 16)
	rand.Read(salt)
	// SASLprep is the identity for ASCII passwords; we skip it, so a non-ASCII password must be sent
	// as the client's SASLprep leaves it (libpq and pgx normalise to NFKC first).
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		panic(fmt.Sprintf("pbkdf2: %v", err)) // only for invalid parameters, which these are not
	}
	clientKey := hmacSHA256(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	return &scramVerifier{salt: salt, storedKey: stored[:], serverKey: hmacSHA256(salted, "Server Key")}
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// errBadPassword marks an authentication failure (as opposed to a malformed exchange).
var errBadPassword = errors.New("password authentication failed")

// authenticateSCRAM runs the server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel
// binding, since we never speak TLS. The user name inside the exchange is ignored, as in PostgreSQL:
// the startup packet's user is authoritative.
func (c *conn) authenticateSCRAM(v *scramVerifier) error {
	c.w.send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{scramMechanism}})
	if err := c.w.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return fmt.Errorf("read SASL initial response: %w", err)
	}
	initial, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return protocolError("expected SASL response, got message type %T", msg)
	}
	if initial.AuthMechanism != scramMechanism {
		return protocolError("client selected an invalid SASL authentication mechanism")
	}
	clientFirst := string(initial.Data)
	gs2, bare, ok := splitGS2(clientFirst)
	if !ok {
		return protocolError("malformed SCRAM message: %q", clientFirst)
	}
	clientNonce := scramAttr(bare, 'r')
	if clientNonce == "" {
		return protocolError("malformed SCRAM message: missing nonce")
	}
	nonceBytes := make([]byte, 18)
	rand.Read(nonceBytes)
	nonce := clientNonce + base64.StdEncoding.EncodeToString(nonceBytes)
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=%d", nonce, base64.StdEncoding.EncodeToString(v.salt), scramIterations)

	c.w.send(&pgproto3.AuthenticationSASLContinue{Data: []byte(serverFirst)})
	if err := c.w.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return fmt.Errorf("read SASL response: %w", err)
	}
	resp, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return protocolError("expected SASL response, got message type %T", msg)
	}
	clientFinal := string(resp.Data)
	i := strings.LastIndex(clientFinal, ",p=")
	if i < 0 {
		return protocolError("malformed SCRAM message: missing proof")
	}
	withoutProof := clientFinal[:i]
	if scramAttr(withoutProof, 'c') != base64.StdEncoding.EncodeToString([]byte(gs2)) {
		return protocolError("SCRAM channel binding check failed")
	}
	if scramAttr(withoutProof, 'r') != nonce {
		return protocolError("SCRAM nonce mismatch")
	}
	proof, err := base64.StdEncoding.DecodeString(clientFinal[i+3:])
	if err != nil || len(proof) != sha256.Size {
		return protocolError("malformed SCRAM message: invalid proof")
	}

	authMessage := bare + "," + serverFirst + "," + withoutProof
	clientSig := hmacSHA256(v.storedKey, authMessage)
	clientKey := make([]byte, sha256.Size)
	for j := range clientKey {
		clientKey[j] = proof[j] ^ clientSig[j]
	}
	got := sha256.Sum256(clientKey)
	if subtle.ConstantTimeCompare(got[:], v.storedKey) != 1 {
		return errBadPassword
	}
	serverSig := hmacSHA256(v.serverKey, authMessage)
	c.w.send(&pgproto3.AuthenticationSASLFinal{Data: []byte("v=" + base64.StdEncoding.EncodeToString(serverSig))})
	return nil
}

// splitGS2 splits a client-first-message into its GS2 header ("n,," or "y,,", with the trailing
// comma) and the bare message. Channel binding ("p=") is refused since we offer no -PLUS mechanism.
func splitGS2(msg string) (gs2, bare string, ok bool) {
	if len(msg) < 3 || (msg[0] != 'n' && msg[0] != 'y') || msg[1] != ',' {
		return "", "", false
	}
	j := strings.IndexByte(msg[2:], ',')
	if j < 0 {
		return "", "", false
	}
	end := 2 + j + 1
	return msg[:end], msg[end:], true
}

// scramAttr returns the value of attribute k in a comma-separated SCRAM message.
func scramAttr(msg string, k byte) string {
	for part := range strings.SplitSeq(msg, ",") {
		if len(part) >= 2 && part[0] == k && part[1] == '=' {
			return part[2:]
		}
	}
	return ""
}
