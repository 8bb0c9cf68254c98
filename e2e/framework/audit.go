package framework

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"sync"
)

// auditLogName is the kube-apiserver's audit log in the control plane's folder.
const auditLogName = "audit.log"

// auditPolicy records every request made by a ServiceAccount (the
// components under test) at Metadata level, once it completes; the harness's
// own requests are left out.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived, ResponseStarted]
rules:
- level: Metadata
  userGroups: ["system:serviceaccounts"]
- level: None
`

// auditFlags writes the audit policy into dir and returns the kube-apiserver
// flags that log by it to dir/audit.log.
func auditFlags(dir string) (map[string]string, error) {
	policy := filepath.Join(dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o644); err != nil {
		return nil, err
	}
	return map[string]string{
		"audit-policy-file": policy,
		"audit-log-path":    filepath.Join(dir, auditLogName),
		"audit-log-format":  "json",
		"audit-log-mode":    "blocking",
	}, nil
}

// Refusal is one request the API server refused: by RBAC (a Denial) or at
// admission (such as the approval policy's rejections).
type Refusal struct {
	User, Verb, Group, Resource, Subresource, Namespace, Name string
	// Admission is true when admission rejected the request (RBAC allowed it).
	Admission bool
	// Message is the API server's answer.
	Message string
}

// String names who was refused what, e.g. `system:serviceaccount:ns:sa may
// not get secrets (core) in namespace "team-a"`.
func (r Refusal) String() string {
	resource := r.Resource
	if r.Subresource != "" {
		resource += "/" + r.Subresource
	}
	group := r.Group
	if group == "" {
		group = "core"
	}
	s := fmt.Sprintf("%s may not %s %s (%s)", r.User, r.Verb, resource, group)
	if r.Name != "" {
		s += fmt.Sprintf(" named %q", r.Name)
	}
	if r.Namespace != "" {
		s += fmt.Sprintf(" in namespace %q", r.Namespace)
	}
	if r.Admission {
		s += ": rejected at admission: " + r.Message
	}
	return s
}

// AuditLog reads the kube-apiserver's audit log as it grows.
type AuditLog struct {
	Path string

	mu       sync.Mutex
	offset   int64
	refusals []Refusal
	forgiven int // RBAC denials before this index of refusals are forgiven
}

// auditEvent is the part of an audit.k8s.io/v1 Event that AuditLog reads.
type auditEvent struct {
	Verb string `json:"verb"`
	User struct {
		Username string `json:"username"`
	} `json:"user"`
	ObjectRef *struct {
		APIGroup    string `json:"apiGroup"`
		Resource    string `json:"resource"`
		Subresource string `json:"subresource"`
		Namespace   string `json:"namespace"`
		Name        string `json:"name"`
	} `json:"objectRef"`
	ResponseStatus *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"responseStatus"`
	Annotations map[string]string `json:"annotations"`
}

// Denials returns the requests RBAC has refused so far (a permission missing
// from a chart), except those Forgive forgave.
func (a *AuditLog) Denials() ([]Refusal, error) {
	return a.refused(false)
}

// Forgive forgets the denials so far: a test that provoked them on purpose
// calls it once it has seen them.
func (a *AuditLog) Forgive() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.read(); err != nil {
		return err
	}
	a.forgiven = len(a.refusals)
	return nil
}

// Rejections returns the requests admission has rejected so far.
func (a *AuditLog) Rejections() ([]Refusal, error) {
	return a.refused(true)
}

// refused returns the refusals so far by admission, or by RBAC except those
// Forgive forgave.
func (a *AuditLog) refused(admission bool) ([]Refusal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.read(); err != nil {
		return nil, err
	}
	from := 0
	if !admission {
		from = a.forgiven
	}
	var out []Refusal
	for _, r := range a.refusals[from:] {
		if r.Admission == admission {
			out = append(out, r)
		}
	}
	return out, nil
}

// read appends the refusals logged since the last read.
func (a *AuditLog) read() error {
	f, err := os.Open(a.Path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	if _, err := f.Seek(a.offset, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(f, 1<<16)
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			return nil // a partial last line is read again next time
		}
		if err != nil {
			return err
		}
		a.offset += int64(len(line))
		if ref, ok := parseRefusal(line); ok {
			a.refusals = append(a.refusals, ref)
		}
	}
}

func parseRefusal(line []byte) (Refusal, bool) {
	// Nearly every line is an allowed request: skip those before decoding.
	if !bytes.Contains(line, []byte(`"code":403`)) {
		return Refusal{}, false
	}
	var e auditEvent
	if err := json.Unmarshal(line, &e); err != nil || e.ResponseStatus == nil || e.ResponseStatus.Code != 403 {
		return Refusal{}, false
	}
	if e.ObjectRef == nil {
		// A non-resource URL: client-go's HEAD /livez/ping, which no
		// bootstrap role allows in any cluster, is not a chart's concern.
		return Refusal{}, false
	}
	ref := e.ObjectRef
	return Refusal{
		User:        e.User.Username,
		Verb:        e.Verb,
		Group:       ref.APIGroup,
		Resource:    ref.Resource,
		Subresource: ref.Subresource,
		Namespace:   ref.Namespace,
		Name:        ref.Name,
		Admission:   e.Annotations["authorization.k8s.io/decision"] != "forbid",
		Message:     e.ResponseStatus.Message,
	}, true
}
