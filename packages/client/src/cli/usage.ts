/** The --help text. */
export const USAGE = `usage: qga-client [options] <command> [args]

Talks to a QEMU guest agent (qemu-ga or qga) over a unix socket, QEMU's
host-side chardev socket, or TCP.

options:
  -a, --address ADDR        unix:PATH | tcp:HOST:PORT | tls:HOST:PORT | PATH
                            (default: $QGA_ADDRESS, else unix:./run/qga.sock)
  -t, --timeout S           timeout of each reply, in seconds (default 10); exec waits
                            for the program however long it runs (see --max-time)
  -w, --wait S              keep retrying until the agent answers, up to S seconds
      --shared-secret-file F  send "AUTH <secret>" first (TCP transport)
      --tls                 use TLS on a tcp: address
      --tls-cert F, --tls-key F, --tls-ca F, --tls-servername NAME
      --json                machine-readable output
      --trace               dump the bytes exchanged to stderr
  -h, --help                this text
  -V, --version             print the version

commands:
  ping                                  check that the agent answers (prints the round trip)
  info                                  agent version and commands
  exec [--no-capture] [--capture MODE] [--env K=V]... [--input-file F] [--no-stdin]
       [--max-time S] -- PROG [ARGS...]
                                        run a program; with @qga/plugin-exec its output
                                        streams as it comes, stdin (when not a terminal)
                                        is forwarded and Ctrl-C interrupts it in the guest;
                                        exits with its status
  shell [--term NAME] [--env K=V]... [-- PROG [ARGS...]]
                                        interactive terminal in the guest (@qga/plugin-exec)
  push [--no-resume] [--preserve] [--mode OCTAL] [--chunk-mib N] LOCAL REMOTE
  pull [--no-resume] [--chunk-mib N] REMOTE [LOCAL]
                                        verified (SHA-256), resumable transfers
                                        (@qga/plugin-files); progress on a terminal
  cat PATH                              print a guest file
  put LOCAL|- REMOTE                    write a guest file
  fsfreeze status|freeze|thaw [MOUNTPOINT...]
  fstrim [MINIMUM]
  ifconfig                              network interfaces
  hostname | osinfo | timezone | time
  shutdown [halt|powerdown|reboot]
  suspend disk|ram|hybrid
  raw '<json>' | raw -                  send JSON verbatim, print the reply lines as received
  call COMMAND ['<json arguments>']     run any command, print its return value as JSON

exit status: 0 ok, 1 usage, 2 agent error, 3 connection failure, 4 timeout
(with --json, errors are one JSON line on stdout: {"error": {"kind": ..., ...}})
`;
