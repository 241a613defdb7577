import { AGENT_VERSION, DEFAULT_AGENT_CONFIG } from '@qga/core';
import { DEFAULT_MAX_CLIENTS } from '@qga/transport-tcp';
import { DEFAULTS } from '../config/agent-settings.js';
import { PROGRAM } from './parse-command-line.js';

/** `-h` text. Our own wording; the option set and defaults match qemu-ga's. */
export function usage(version: string): string {
  return `Usage: ${PROGRAM} [-m <method> -p <path>] [<options>]
${versionLine(version)}
A QEMU Guest Agent: answers the host's guest-agent protocol on a
virtio-serial port, a serial line or a listening socket.

Channel:
  -m, --method=METHOD   virtio-serial (default), isa-serial, unix-listen,
                        vsock-listen, or tcp-listen
  -p, --path=PATH       device or socket path. Defaults: virtio-serial
                        ${DEFAULTS.virtioPath},
                        isa-serial ${DEFAULTS.isaPath}. Required for the
                        listening methods: unix-listen takes a socket path,
                        vsock-listen <cid>:<port>, tcp-listen <host>:<port>
  -r, --retry-path      keep retrying to open the channel, and reopen it after
                        an error, instead of exiting
Agent:
  -c, --config=PATH     config file (default: $QGA_CONF, else
                        ${DEFAULTS.configFile}); with -c a missing file is fatal
  -t, --statedir=DIR    state directory, created 0700 if missing
                        (default ${DEFAULTS.statedir})
  -F, --fsfreeze-hook[=PATH]
                        run a hook with 'freeze'/'thaw' around fsfreeze
                        (default ${DEFAULTS.fsfreezeHook}); the PATH must be
                        attached: -F/path/to/hook, --fsfreeze-hook=/path
  -b, --block-rpcs=LIST disable these commands (comma-separated); 'help' lists
                        the available commands
  -a, --allow-rpcs=LIST enable only these commands (comma-separated); 'help'
                        lists the available commands
      --backend=NAME    OS backend: linux, windows or mock (default: the
                        running platform's)
      --freeze-timeout=SECONDS
                        thaw automatically after this long frozen
                        (default ${DEFAULT_AGENT_CONFIG.freezeTimeoutMs / 1000}; 0: never)
      --exclude-interfaces=LIST
                        interfaces (names or globs such as veth*) to leave out
                        of guest-network-get-interfaces
      --plugin=PATH     load vendor commands from this ES module (its default
                        export, or export 'plugin' or 'plugins', is an inversify
                        ContainerModule binding TOKENS.Command), or a package
                        name: @qga/plugin-exec and @qga/plugin-files are built
                        in; repeatable
tcp-listen (loopback only unless --allow-remote with TLS or a shared secret):
      --tls-cert=FILE --tls-key=FILE --tls-ca=FILE
                        mutual TLS: serve this certificate and key (PEM) and
                        require client certificates signed by the CA
      --shared-secret-file=FILE
                        clients must first send the line 'AUTH <secret>'
      --allow-remote    allow a non-loopback address (needs TLS or a secret)
      --max-clients=N   clients served at once (unix-listen, vsock-listen,
                        tcp-listen; default ${DEFAULT_MAX_CLIENTS})
Service:
  -d, --daemonize       detach and run in the background
  -f, --pidfile=PATH    pidfile, locked against a second instance; written
                        with -d, or whenever given (default ${DEFAULTS.pidfile})
  -l, --logfile=PATH    append the log to PATH (default: stderr)
  -v, --verbose         log everything (default: errors only)
  -D, --dump-conf       print the effective configuration in qemu-ga.conf
                        format and exit
  -V, --version         print the version and exit
  -h, --help            print this help and exit

Config file keys ([general]): daemon, method, path, logfile, pidfile,
fsfreeze-hook, statedir, verbose, retry-path, block-rpcs, allow-rpcs, and
ours: backend, freeze-timeout, max-clients, exclude-interfaces, tls-cert,
tls-key, tls-ca, shared-secret-file, allow-remote, plugins. Lists take ','
or ';'.

Environment: QGA_CONF (config file), QGA_OS_RELEASE (os-release override),
LISTEN_PID/LISTEN_FDS (systemd socket activation with a unix socket; -m and
-p are then ignored).
`;
}

export function versionLine(version: string): string {
  return `${PROGRAM} ${version} (QEMU Guest Agent ${AGENT_VERSION} protocol)`;
}
