package devicetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// frrReadyTimeout bounds how long StartFRR waits for the routing daemons
// to hold the lab configuration once sshd answers.
const frrReadyTimeout = 60 * time.Second

// FRR binaries the bed runs. vtysh is also the login shell of the
// "vtysh" test account.
const (
	frrVtysh   = "/usr/bin/vtysh"
	frrZebra   = "/usr/lib/frr/zebra"
	frrStaticd = "/usr/lib/frr/staticd"
	frrBgpd    = "/usr/lib/frr/bgpd"
)

// FRROptions adjusts a test router. The zero value gives the defaults
// described at each field.
type FRROptions struct {
	// Hostname is the router's name, which vtysh shows in its prompt.
	// "" means "frr1".
	Hostname string
	// Routes is the number of static routes (10.A.B.0/24 to Null0) in
	// the configuration, so that show commands run long. 0 means 400;
	// a negative number means none.
	Routes int
	// ExtraConfig holds frr.conf lines appended after the lab
	// configuration. "" adds nothing.
	ExtraConfig string
	// PagedLogin logs User in through a script that shows a long notice
	// through more(1) before vtysh starts (the "vtyshpaged" account), as
	// a site's login wrapper may.
	PagedLogin bool
}

// FRR is a real FRRouting router for a test: zebra, staticd and bgpd run
// in a network namespace of their own, so none of their routes reach the
// host, and an sshd on 127.0.0.1 in the host's network namespace logs
// User in with vtysh as login shell. The embedded SSHD gives the address,
// host key, known_hosts file and ClientKey (authorized for User too); its
// Stop, Start and Restart stop and start the whole router, and Start
// returns once the configuration is loaded (sshd starts after that).
// vtysh keeps its command history in User's home, shared by all
// instances and test processes.
// Its exported fields do not change after StartFRR returns; its methods
// are safe for concurrent use.
type FRR struct {
	*SSHD
	User     string // login name whose login shell is vtysh (mcpt-vtysh)
	Password string // User's password, AccountPassword
	Hostname string // the router's name as vtysh prints it in the prompt
	Routes   int    // static routes configured
	FRRDir   string // per-instance etc (frr.conf), run (sockets), logs
}

// StartFRR starts a router for the duration of the test and returns once
// the daemons hold the lab configuration: the host name, addresses on lo
// and on two veth interfaces, opts.Routes static routes and BGP AS 65001.
//
// Each instance gets private mount, UTS and PID namespaces for sshd and
// everything under it: its own directories are bind-mounted over
// /etc/frr, /run/frr and /var/tmp/frr, so instances in parallel tests and
// processes never share sockets or configuration, and the UTS host name
// is opts.Hostname, which vtysh shows in its prompt. The daemons run in a
// further, new network namespace; sshd stays in the host's to listen on
// 127.0.0.1. Cleanup ends the PID namespace, and with it every daemon and
// login. Not root, or FRR, unshare or nsenter missing, are reported
// through Require; other failures are fatal and quote the daemons' logs.
func StartFRR(t testing.TB, opts FRROptions) *FRR {
	t.Helper()
	Require(t, os.Geteuid() == 0, "the FRR router needs root for its namespaces; run the tests as root")
	for _, bin := range []string{frrVtysh, frrZebra, frrStaticd, frrBgpd} {
		_, err := os.Stat(bin)
		Require(t, err == nil, "frr not installed: apt-get install frr")
	}
	for _, tool := range []string{"unshare", "nsenter", "ip"} {
		_, err := exec.LookPath(tool)
		Require(t, err == nil, tool+" not found: apt-get install util-linux iproute2")
	}
	if opts.Hostname == "" {
		opts.Hostname = "frr1"
	}
	switch {
	case opts.Routes == 0:
		opts.Routes = 400
	case opts.Routes < 0:
		opts.Routes = 0
	case opts.Routes > 200*256:
		t.Fatalf("StartFRR: %d routes, at most %d fit 10.1.0.0-10.200.255.0", opts.Routes, 200*256)
	}
	kind := "vtysh"
	if opts.PagedLogin {
		kind = "vtyshpaged"
	}
	acct := TestAccount(t, kind)
	f := &FRR{User: acct.Name, Password: acct.Password, Hostname: opts.Hostname, Routes: opts.Routes}
	f.FRRDir = sharedTempDir(t, "mcpt-frr-")
	f.writeFiles(t, opts)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs of router %s:\n%s", f.Hostname, f.Logs())
		}
	})
	f.SSHD = StartSSHD(t, SSHDOptions{Wrapper: []string{
		"unshare", "--mount", "--uts", "--pid", "--fork", "--kill-child", "--mount-proc",
		"/bin/sh", filepath.Join(f.FRRDir, "launch.sh"), f.FRRDir, f.Hostname,
	}})
	f.waitRoutes(t)
	return f
}

// launchScript runs as PID 1 of the router's namespaces: it mounts the
// instance's directories, names the host, starts the daemons in a new
// network namespace, loads frr.conf with vtysh -b and becomes sshd.
const launchScript = `set -eu
dir=$1 name=$2
shift 2
mkdir -p /etc/frr /run/frr /var/tmp/frr
mount --bind "$dir/etc" /etc/frr
mount --bind "$dir/run" /run/frr
mount --bind "$dir/tmp" /var/tmp/frr
hostname "$name"
rm -f /run/frr/*
unshare --net /bin/sh "$dir/daemons.sh" "$dir" >>"$dir/daemons.log" 2>&1 </dev/null &
i=0
for d in zebra staticd bgpd; do
  while [ ! -S "/run/frr/$d.vty" ]; do
    i=$((i+1))
    if [ $i -gt 600 ]; then echo "launch.sh: $d did not open /run/frr/$d.vty" >&2; exit 1; fi
    sleep 0.1
  done
done
if ! vtysh -b >"$dir/vtysh-b.log" 2>&1; then
  echo "launch.sh: vtysh -b failed:" >&2; cat "$dir/vtysh-b.log" >&2; exit 1
fi
exec "$@"
`

// daemonsScript runs in the router's network namespace and stays there
// as the parent of the daemons.
const daemonsScript = `dir=$1
ip link set lo up
ip link add eth0 type veth peer name eth1 && ip link set eth0 up && ip link set eth1 up
# zebra first: a client that finds no zebra socket retries only 10 s later.
for d in zebra staticd bgpd; do
  case $d in bgpd) extra="-p 0";; *) extra="";; esac
  /usr/lib/frr/$d -P 0 $extra --log stdout >>"$dir/$d.log" 2>&1 </dev/null &
  i=0
  while [ $d = zebra ] && [ ! -S /run/frr/zserv.api ] && [ $i -lt 600 ]; do
    i=$((i+1))
    sleep 0.05
  done
done
wait
`

// frrConfig is the lab configuration loaded at start.
func frrConfig(opts FRROptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, `frr version 8.4
frr defaults traditional
hostname %s
log stdout informational
service integrated-vtysh-config
!
interface eth0
 description lab link A
 ip address 10.0.1.1/24
exit
!
interface eth1
 description lab link B
 ip address 10.0.2.1/24
exit
!
interface lo
 ip address 10.255.0.1/32
exit
!
`, opts.Hostname)
	for i := 0; i < opts.Routes; i++ {
		fmt.Fprintf(&b, "ip route 10.%d.%d.0/24 Null0\n", 1+i/256, i%256)
	}
	b.WriteString(`!
router bgp 65001
 bgp router-id 10.255.0.1
 no bgp ebgp-requires-policy
 neighbor 10.0.1.2 remote-as 65002
 neighbor 10.0.1.2 description lab peer
 address-family ipv4 unicast
  network 10.255.0.1/32
 exit-address-family
exit
!
`)
	if opts.ExtraConfig != "" {
		b.WriteString(strings.TrimRight(opts.ExtraConfig, "\n") + "\n!\n")
	}
	return b.String()
}

// writeFiles lays out the instance directory: etc and its files readable
// by frrvty (vtysh logins read vtysh.conf), run and tmp owned by frr.
func (f *FRR) writeFiles(t testing.TB, opts FRROptions) {
	t.Helper()
	frrUID, frrGID := lookupIDs(t, "frr", "frr")
	_, vtyGID := lookupIDs(t, "", "frrvty")
	mk := func(dir string, mode os.FileMode, uid, gid int) {
		if err := os.Mkdir(dir, mode); err != nil {
			t.Fatalf("StartFRR: %v", err)
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("StartFRR: %v", err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatalf("StartFRR: %v", err)
		}
	}
	etc := filepath.Join(f.FRRDir, "etc")
	mk(etc, 0o750, frrUID, vtyGID)
	mk(filepath.Join(f.FRRDir, "run"), 0o755, frrUID, frrGID)
	mk(filepath.Join(f.FRRDir, "tmp"), 0o755, frrUID, frrGID)
	files := []struct {
		path, text string
		uid, gid   int
		mode       os.FileMode
	}{
		{filepath.Join(etc, "vtysh.conf"), "service integrated-vtysh-config\n", frrUID, vtyGID, 0o640},
		{filepath.Join(etc, "frr.conf"), frrConfig(opts), frrUID, vtyGID, 0o640},
		{filepath.Join(f.FRRDir, "launch.sh"), launchScript, 0, 0, 0o755},
		{filepath.Join(f.FRRDir, "daemons.sh"), daemonsScript, 0, 0, 0o755},
	}
	for _, file := range files {
		if err := os.WriteFile(file.path, []byte(file.text), file.mode); err != nil {
			t.Fatalf("StartFRR: %v", err)
		}
		if err := os.Chown(file.path, file.uid, file.gid); err != nil {
			t.Fatalf("StartFRR: %v", err)
		}
	}
}

// lookupIDs returns the uid of userName (-1 when "") and the gid of group.
func lookupIDs(t testing.TB, userName, group string) (uid, gid int) {
	t.Helper()
	uid = -1
	if userName != "" {
		u, err := user.Lookup(userName)
		Require(t, err == nil, "user "+userName+" missing: apt-get install frr")
		uid, _ = strconv.Atoi(u.Uid)
	}
	g, err := user.LookupGroup(group)
	Require(t, err == nil, "group "+group+" missing: apt-get install frr")
	gid, _ = strconv.Atoi(g.Gid)
	return uid, gid
}

// waitRoutes polls vtysh until zebra holds all static routes, and fails
// the test with the daemons' logs when that takes longer than
// frrReadyTimeout.
func (f *FRR) waitRoutes(t testing.TB) {
	t.Helper()
	deadline := time.Now().Add(frrReadyTimeout)
	var out string
	var err error
	for {
		out, err = f.vtysh("show ip route summary")
		if err == nil && staticRoutes(out) >= f.Routes {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("StartFRR %s: the daemons do not hold %d static routes after %v (last answer: %v)\n%s\nlogs:\n%s",
				f.Hostname, f.Routes, frrReadyTimeout, err, out, f.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// staticRoutes reads the static route count from "show ip route summary".
func staticRoutes(summary string) int {
	for _, line := range strings.Split(summary, "\n") {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "static" {
			n, _ := strconv.Atoi(fields[1])
			return n
		}
	}
	return 0
}

// Vtysh runs one vtysh command as root inside the router's namespaces,
// out of band of any SSH session, and returns its output. It blocks up to
// 30 s; a failure is fatal.
func (f *FRR) Vtysh(t testing.TB, command string) string {
	t.Helper()
	out, err := f.vtysh(command)
	if err != nil {
		t.Fatalf("vtysh -c %q on %s: %v\n%s", command, f.Hostname, err, out)
	}
	return out
}

func (f *FRR) vtysh(command string) (string, error) {
	pid, err := f.nsPID()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "nsenter", "-t", strconv.Itoa(pid), "--mount", "--uts", frrVtysh, "-c", command)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	return out.String(), err
}

// nsPID returns the host PID of the first process inside the router's
// namespaces: the child that unshare forked, which became sshd.
func (f *FRR) nsPID() (int, error) {
	f.SSHD.mu.Lock()
	defer f.SSHD.mu.Unlock()
	if f.SSHD.proc == nil {
		return 0, fmt.Errorf("router %s is stopped", f.Hostname)
	}
	pid := f.SSHD.proc.Process.Pid
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, fmt.Errorf("router %s: unshare (pid %d) has no child", f.Hostname, pid)
	}
	return strconv.Atoi(fields[0])
}

// Logs returns what the daemons, the start script and vtysh -b wrote.
func (f *FRR) Logs() string {
	var b strings.Builder
	for _, name := range []string{"daemons.log", "zebra.log", "staticd.log", "bgpd.log", "vtysh-b.log"} {
		text, err := os.ReadFile(filepath.Join(f.FRRDir, name))
		if err != nil {
			continue
		}
		fmt.Fprintf(&b, "--- %s\n%s", name, text)
	}
	return b.String()
}
