/*
 * AF_VSOCK listener for Node.js (plain N-API, C).
 *
 * Node cannot create AF_VSOCK sockets, and it refuses to wrap one it did not
 * create (net.Socket({fd}) only accepts TCP and unix sockets). So this addon:
 *   - creates, binds and listens on the socket (errors are thrown synchronously
 *     with the errno, so EADDRINUSE etc. surface at startup);
 *   - accepts on its own thread (poll on the listening socket plus an eventfd
 *     used to stop it);
 *   - gives every accepted connection a relay thread that copies bytes between
 *     the vsock connection and one end of a unix socketpair; JavaScript gets
 *     the other end, a plain unix socket that net.Socket({fd}) accepts.
 * Both relay buffers are bounded, so a peer that stops reading stalls the
 * other side through ordinary socket backpressure.
 *
 * listenUnix() does the same on a unix socket path. It exists so the accept
 * and relay code can be tested end to end on machines without a vsock peer.
 */
#define _GNU_SOURCE
#include <node_api.h>

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define RELAY_BUF 65536

/* ------------------------------------------------------------------ relay */

typedef struct {
  char data[RELAY_BUF];
  size_t off;
  size_t len;
} chunk_t;

typedef struct {
  int peer;  /* the vsock (or test unix) connection */
  int local; /* our end of the socketpair */
  chunk_t to_local;
  chunk_t to_peer;
} relay_t;

static int set_nonblock(int fd) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return -1;
  return fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* Fill `c` from `fd`. Returns 1 on data, 0 on EOF, -1 on error, 2 on EAGAIN. */
static int fill(int fd, chunk_t* c) {
  ssize_t n;
  do n = read(fd, c->data, sizeof c->data);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    c->off = 0;
    c->len = (size_t)n;
    return 1;
  }
  if (n == 0) return 0;
  return errno == EAGAIN || errno == EWOULDBLOCK ? 2 : -1;
}

/* Drain `c` into `fd`. Returns 0 when progress was made or would block, -1 on error. */
static int drain(int fd, chunk_t* c) {
  while (c->len > 0) {
    ssize_t n = send(fd, c->data + c->off, c->len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      return -1;
    }
    c->off += (size_t)n;
    c->len -= (size_t)n;
  }
  return 0;
}

/* One side of a relay: `eof` = nothing more will be read from it, `dead` = it can take no more bytes,
 * `hup` = poll reported a hangup (after that the fd is only polled when there is work for it). */
typedef struct {
  int fd;
  int eof;
  int dead;
  int hup;
  int wr_shut;
} side_t;

static void after_poll(side_t* self, short wanted, short revents, chunk_t* in, chunk_t* out) {
  /* in: bytes read from self (to other); out: bytes waiting to be written to self */
  if ((wanted & POLLIN) && (revents & (POLLIN | POLLHUP | POLLERR))) {
    int f = fill(self->fd, in);
    if (f == 0) self->eof = 1;
    else if (f < 0) self->eof = self->dead = 1;
  }
  if (out->len > 0 && !self->dead && (revents & (POLLOUT | POLLHUP | POLLERR))) {
    if (drain(self->fd, out) < 0) self->dead = 1;
  }
  if (revents & POLLERR) self->eof = self->dead = 1;
  if (revents & POLLHUP) {
    self->hup = 1;
    if (self->eof) self->dead = 1; /* fully closed: it cannot receive either */
  }
  if (self->dead) out->len = 0;
}

static void* relay_main(void* arg) {
  relay_t* r = arg;
  side_t peer = {r->peer, 0, 0, 0, 0};
  side_t local = {r->local, 0, 0, 0, 0};
  chunk_t* to_local = &r->to_local;
  chunk_t* to_peer = &r->to_peer;

  for (;;) {
    /* A half-close travels across once everything sent before it was delivered. */
    if (peer.eof && to_local->len == 0 && !local.dead && !local.wr_shut) {
      shutdown(local.fd, SHUT_WR);
      local.wr_shut = 1;
    }
    if (local.eof && to_peer->len == 0 && !peer.dead && !peer.wr_shut) {
      shutdown(peer.fd, SHUT_WR);
      peer.wr_shut = 1;
    }
    int to_local_done = local.dead || (peer.eof && to_local->len == 0);
    int to_peer_done = peer.dead || (local.eof && to_peer->len == 0);
    if (to_local_done && to_peer_done) break;

    short pe = 0, le = 0;
    if (!peer.eof && to_local->len == 0 && !local.dead) pe |= POLLIN;
    if (to_peer->len > 0 && !peer.dead) pe |= POLLOUT;
    if (!local.eof && to_peer->len == 0 && !peer.dead) le |= POLLIN;
    if (to_local->len > 0 && !local.dead) le |= POLLOUT;
    /* With no work for a side, keep watching it only until its first hangup (which is level-triggered
     * and would make poll spin). */
    struct pollfd p[2];
    p[0].fd = (pe || (!peer.hup && !peer.dead)) ? peer.fd : -1;
    p[0].events = pe;
    p[0].revents = 0;
    p[1].fd = (le || (!local.hup && !local.dead)) ? local.fd : -1;
    p[1].events = le;
    p[1].revents = 0;
    if (p[0].fd < 0 && p[1].fd < 0) break;

    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    after_poll(&peer, pe, p[0].fd < 0 ? 0 : p[0].revents, to_local, to_peer);
    after_poll(&local, le, p[1].fd < 0 ? 0 : p[1].revents, to_peer, to_local);
  }
  close(r->peer);
  close(r->local);
  free(r);
  return NULL;
}

/* Start a relay for `peer`; returns the fd JavaScript should wrap, or -1 (errno set). */
static int start_relay(int peer) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) return -1;
  relay_t* r = calloc(1, sizeof *r);
  if (r == NULL || set_nonblock(peer) < 0 || set_nonblock(sv[0]) < 0) {
    int saved = errno ? errno : ENOMEM;
    free(r);
    close(sv[0]);
    close(sv[1]);
    errno = saved;
    return -1;
  }
  r->peer = peer;
  r->local = sv[0];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  /* Signals belong to Node's main thread. */
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pthread_t t;
  int err = pthread_create(&t, &attr, relay_main, r);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    free(r);
    close(sv[0]);
    close(sv[1]);
    errno = err;
    return -1;
  }
  return sv[1];
}

/* --------------------------------------------------------------- listener */

typedef struct {
  int lfd;
  int stopfd;
  pthread_t thread;
  int thread_started;
  int closed;
  int hooked; /* env cleanup hook registered */
  napi_env env;
  napi_threadsafe_function tsfn;
} listener_t;

typedef struct {
  int fd;         /* >= 0: a connection; < 0: an error report */
  int err;        /* errno for error reports */
  char peer[64];  /* "cid:port" or "unix" */
} event_t;

static void* accept_main(void* arg) {
  listener_t* l = arg;
  for (;;) {
    struct pollfd p[2] = {{l->lfd, POLLIN, 0}, {l->stopfd, POLLIN, 0}};
    int rc = poll(p, 2, -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p[1].revents) break;
    if (!(p[0].revents & (POLLIN | POLLERR | POLLHUP))) continue;

    struct sockaddr_storage addr;
    socklen_t alen = sizeof addr;
    int cfd = accept4(l->lfd, (struct sockaddr*)&addr, &alen, SOCK_CLOEXEC);
    event_t* ev = calloc(1, sizeof *ev);
    if (ev == NULL) {
      if (cfd >= 0) close(cfd);
      continue;
    }
    if (cfd < 0) {
      int e = errno;
      free(ev);
      if (e == EAGAIN || e == EWOULDBLOCK || e == EINTR || e == ECONNABORTED || e == EPROTO) continue;
      /* EMFILE and friends: report, then wait a little instead of spinning on a readable socket. */
      event_t* rep = calloc(1, sizeof *rep);
      if (rep != NULL) {
        rep->fd = -1;
        rep->err = e;
        if (napi_call_threadsafe_function(l->tsfn, rep, napi_tsfn_nonblocking) != napi_ok) free(rep);
      }
      struct pollfd s = {l->stopfd, POLLIN, 0};
      if (poll(&s, 1, 200) > 0) break;
      continue;
    }
    if (addr.ss_family == AF_VSOCK) {
      struct sockaddr_vm* vm = (struct sockaddr_vm*)&addr;
      snprintf(ev->peer, sizeof ev->peer, "%u:%u", vm->svm_cid, vm->svm_port);
    } else {
      snprintf(ev->peer, sizeof ev->peer, "unix");
    }
    int jsfd = start_relay(cfd);
    if (jsfd < 0) {
      ev->fd = -1;
      ev->err = errno;
      close(cfd);
    } else {
      ev->fd = jsfd;
    }
    if (napi_call_threadsafe_function(l->tsfn, ev, napi_tsfn_nonblocking) != napi_ok) {
      if (ev->fd >= 0) close(ev->fd); /* the relay sees the close and winds down */
      free(ev);
    }
  }
  return NULL;
}

/* Runs on the JS thread: onEvent(fd, peer) or onEvent(-1, errno). */
static void call_js(napi_env env, napi_value js_cb, void* context, void* data) {
  (void)context;
  event_t* ev = data;
  if (env == NULL || js_cb == NULL) {
    if (ev->fd >= 0) close(ev->fd);
    free(ev);
    return;
  }
  napi_value undefined, argv[2];
  napi_get_undefined(env, &undefined);
  if (ev->fd >= 0) {
    napi_create_int32(env, ev->fd, &argv[0]);
    napi_create_string_utf8(env, ev->peer, NAPI_AUTO_LENGTH, &argv[1]);
  } else {
    napi_create_int32(env, -1, &argv[0]);
    napi_create_int32(env, ev->err, &argv[1]);
  }
  free(ev);
  napi_call_function(env, undefined, js_cb, 2, argv, NULL);
}

static void stop_listener(listener_t* l) {
  if (l->closed) return;
  l->closed = 1;
  if (l->thread_started) {
    uint64_t one = 1;
    ssize_t ignored = write(l->stopfd, &one, sizeof one);
    (void)ignored;
    pthread_join(l->thread, NULL);
    l->thread_started = 0;
  }
  close(l->lfd);
  close(l->stopfd);
  if (l->tsfn != NULL) {
    napi_release_threadsafe_function(l->tsfn, napi_tsfn_abort);
    l->tsfn = NULL;
  }
}

/* Runs when the Node environment shuts down with the listener still open. Registered after the
 * threadsafe function, so it runs before Node tears that down: the accept thread is joined while
 * the function it calls is still valid. */
static void cleanup_hook(void* arg) {
  listener_t* l = arg;
  l->hooked = 0;
  stop_listener(l);
}

static void finalize_listener(napi_env env, void* data, void* hint) {
  (void)hint;
  listener_t* l = data;
  if (l->hooked) {
    napi_remove_env_cleanup_hook(env, cleanup_hook, l);
    l->hooked = 0;
  }
  stop_listener(l);
  free(l);
}

/* ------------------------------------------------------------ JS helpers */

static napi_value throw_errno(napi_env env, const char* syscall, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", syscall, strerror(err));
  napi_value message, error, num, sys;
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_create_int32(env, err, &num);
  napi_set_named_property(env, error, "errno", num);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &sys);
  napi_set_named_property(env, error, "syscall", sys);
  napi_throw(env, error);
  return NULL;
}

static napi_value close_method(napi_env env, napi_callback_info info) {
  napi_value self;
  void* data = NULL;
  napi_get_cb_info(env, info, NULL, NULL, &self, NULL);
  if (napi_unwrap(env, self, &data) == napi_ok && data != NULL) stop_listener(data);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

/* Common tail: bound+listening fd `lfd` → JS object { close() } delivering connections to `cb`. */
static napi_value make_listener(napi_env env, int lfd, napi_value cb) {
  listener_t* l = calloc(1, sizeof *l);
  if (l == NULL) {
    close(lfd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  l->lfd = lfd;
  l->env = env;
  l->stopfd = eventfd(0, EFD_CLOEXEC);
  if (l->stopfd < 0) {
    int e = errno;
    close(lfd);
    free(l);
    return throw_errno(env, "eventfd", e);
  }
  if (set_nonblock(lfd) < 0) {
    int e = errno;
    close(lfd);
    close(l->stopfd);
    free(l);
    return throw_errno(env, "fcntl", e);
  }
  napi_value name;
  napi_create_string_utf8(env, "qga-vsock-accept", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, cb, NULL, name, 0, 1, NULL, NULL, l, call_js, &l->tsfn) != napi_ok) {
    close(lfd);
    close(l->stopfd);
    free(l);
    napi_throw_error(env, NULL, "napi_create_threadsafe_function failed");
    return NULL;
  }
  if (napi_add_env_cleanup_hook(env, cleanup_hook, l) == napi_ok) l->hooked = 1;
  napi_value obj, fn;
  napi_create_object(env, &obj);
  napi_create_function(env, "close", NAPI_AUTO_LENGTH, close_method, NULL, &fn);
  napi_set_named_property(env, obj, "close", fn);
  if (napi_wrap(env, obj, l, finalize_listener, NULL, NULL) != napi_ok) {
    if (l->hooked) napi_remove_env_cleanup_hook(env, cleanup_hook, l);
    stop_listener(l);
    free(l);
    napi_throw_error(env, NULL, "napi_wrap failed");
    return NULL;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int err = pthread_create(&l->thread, NULL, accept_main, l);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (err != 0) {
    stop_listener(l);
    return throw_errno(env, "pthread_create", err);
  }
  l->thread_started = 1;
  return obj;
}

static int get_u32(napi_env env, napi_value v, uint32_t* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) return 0;
  double d;
  napi_get_value_double(env, v, &d);
  if (!(d >= 0 && d <= 4294967295.0) || d != (double)(uint32_t)d) return 0;
  *out = (uint32_t)d;
  return 1;
}

static int is_function(napi_env env, napi_value v) {
  napi_valuetype t;
  return napi_typeof(env, v, &t) == napi_ok && t == napi_function;
}

/* Bind and listen on the fresh socket `fd` (closed on failure), then hand it to make_listener. */
static napi_value bind_and_listen(napi_env env, int fd, const struct sockaddr* addr, socklen_t len, uint32_t backlog,
                                  napi_value cb) {
  if (bind(fd, addr, len) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "bind", e);
  }
  if (listen(fd, (int)(backlog > 4096 ? 4096 : backlog)) < 0) {
    int e = errno;
    close(fd);
    return throw_errno(env, "listen", e);
  }
  return make_listener(env, fd, cb);
}

/* listenVsock(cid, port, backlog, onEvent) */
static napi_value listen_vsock(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t cid, port, backlog;
  if (argc < 4 || !get_u32(env, argv[0], &cid) || !get_u32(env, argv[1], &port) || !get_u32(env, argv[2], &backlog) ||
      !is_function(env, argv[3])) {
    napi_throw_type_error(env, NULL, "listenVsock(cid: uint32, port: uint32, backlog: uint32, onEvent: function)");
    return NULL;
  }
  int fd = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  struct sockaddr_vm addr;
  memset(&addr, 0, sizeof addr);
  addr.svm_family = AF_VSOCK;
  addr.svm_cid = cid;
  addr.svm_port = port;
  return bind_and_listen(env, fd, (struct sockaddr*)&addr, sizeof addr, backlog, argv[3]);
}

/* listenUnix(path, backlog, onEvent): the same machinery on a unix socket, for tests. */
static napi_value listen_unix(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t len = 0;
  uint32_t backlog;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &len) != napi_ok ||
      len == 0 || len >= sizeof addr.sun_path - 1 || !get_u32(env, argv[1], &backlog) || !is_function(env, argv[2])) {
    napi_throw_type_error(env, NULL, "listenUnix(path: string, backlog: uint32, onEvent: function)");
    return NULL;
  }
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  return bind_and_listen(env, fd, (struct sockaddr*)&addr, sizeof addr, backlog, argv[2]);
}

/* Relay threads are detached and may outlive the environment that loaded us (a worker thread
 * that exits). Node unloads a worker's addons; pin this one so its code stays mapped while any
 * relay still runs. */
static void pin_module(void) {
  Dl_info info;
  if (dladdr((void*)&pin_module, &info) != 0 && info.dli_fname != NULL) {
    void* self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    (void)self; /* deliberately never closed */
  }
}

static napi_value init(napi_env env, napi_value exports) {
  pin_module();
  napi_value fn;
  napi_create_function(env, "listenVsock", NAPI_AUTO_LENGTH, listen_vsock, NULL, &fn);
  napi_set_named_property(env, exports, "listenVsock", fn);
  napi_create_function(env, "listenUnix", NAPI_AUTO_LENGTH, listen_unix, NULL, &fn);
  napi_set_named_property(env, exports, "listenUnix", fn);
  napi_value any;
  napi_create_uint32(env, VMADDR_CID_ANY, &any);
  napi_set_named_property(env, exports, "VMADDR_CID_ANY", any);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
