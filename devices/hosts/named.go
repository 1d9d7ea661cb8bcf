package hosts

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrUnknownSecret means a host's config entry names no secret of that
// name (secrets:); the error says which names it does have.
var ErrUnknownSecret = errors.New("hosts: no such secret for this host")

// secretName is what a key of secrets: may be: a name an agent can type.
var secretName = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// NamedSecrets are the extra secrets a host's config entry names under
// secrets: (a TACACS password, a second account's password), for a caller
// to type at a prompt without ever seeing them. Each is fetched only when
// used. A nil *NamedSecrets has none. Safe for concurrent use.
type NamedSecrets struct {
	refs  map[string]*SecretRef
	cache *secretCache
}

// Names returns the names, sorted; never a value.
func (n *NamedSecrets) Names() []string {
	if n == nil {
		return nil
	}
	return sortedKeys(n.refs)
}

// Value returns the secret called name. An unknown name gives an error
// wrapping ErrUnknownSecret that lists the names there are; a reference
// that gives nothing, a *SecretError (ErrSecret). Errors never hold a
// secret. It runs a {command: ...} reference, bounded by ctx and 5 s.
func (n *NamedSecrets) Value(ctx context.Context, name string) (string, error) {
	var ref *SecretRef
	if n != nil {
		ref = n.refs[name]
	}
	if ref == nil {
		known := "it names none (no secrets: in its config entry)"
		if names := n.Names(); len(names) > 0 {
			known = "it names " + strings.Join(names, ", ")
		}
		return "", fmt.Errorf("%w: %q; %s", ErrUnknownSecret, name, known)
	}
	v, err := n.cache.get(ctx, ref)
	if err != nil {
		return "", &SecretError{Ref: ref, Err: err}
	}
	return v, nil
}

// namedSecrets decodes secrets:, a mapping of names to references.
func (d *decoder) namedSecrets(n *yaml.Node, where string) map[string]*SecretRef {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		d.fail(n, where, "expected a mapping of names to secret references", `write secrets: {tacacs_password: {env: TACACS_PASS}}`)
		return nil
	}
	out := map[string]*SecretRef{}
	for i := 0; i+1 < len(n.Content) && d.err == nil; i += 2 {
		k := n.Content[i]
		if !secretName.MatchString(k.Value) {
			d.fail(k, where, fmt.Sprintf("%q is not a secret name", k.Value), "use letters, digits, '_', '-' and '.', at most 64")
			return nil
		}
		d.keyLine = k.Line
		out[k.Value] = d.secret(deref(n.Content[i+1]), where+"."+k.Value)
	}
	return out
}

// mergeNamed adds the names of one entry that no earlier entry set: for
// each name, as for each setting, the first entry that sets it wins.
func mergeNamed(into map[string]*SecretRef, from map[string]*SecretRef) map[string]*SecretRef {
	for name, ref := range from {
		if _, seen := into[name]; seen {
			continue
		}
		if into == nil {
			into = map[string]*SecretRef{}
		}
		into[name] = ref
	}
	return into
}

// named gives a target the named secrets of its merged entry; nil when
// there are none.
func (r *Resolver) named(hc hostMatch) *NamedSecrets {
	if len(hc.Secrets) == 0 {
		return nil
	}
	return &NamedSecrets{refs: hc.Secrets, cache: r.secrets}
}

// firstNamed returns a named secret's reference in a stable order, for
// errors that must name one.
func firstNamed(refs map[string]*SecretRef) *SecretRef {
	if len(refs) == 0 {
		return nil
	}
	return refs[sortedKeys(refs)[0]]
}
