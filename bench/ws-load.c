/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ws-load.c: thousands of desktops holding their events WebSocket (issue 15).
 *
 * Opens N WebSockets to /api/v1/events of a server on 127.0.0.1, spread evenly over a
 * number of seconds, each from a loopback source address of its own group (127.0.0.2,
 * 127.0.0.3, … --per-address sockets each: desktops behind distinct addresses, as the
 * server's per-address limits expect them). Every socket answers pings with pongs. Then
 * it publishes: it posts a case.create as the demo user, learns the seq from the reply,
 * and measures for every socket the time from just before the POST until that socket
 * received {"last_seq":M} with M >= seq. It prints how many connected, how long opening
 * took, the latency percentiles over every (socket, publish) pair, and how many pairs
 * never arrived (missed) within --timeout.
 *
 * With --reconnect-storm it opens, prints "ready", and then waits for the server to go
 * away (the caller restarts it on the same port): every socket that loses its
 * connection reconnects at a random moment within --storm-jitter seconds (5), retrying
 * a refused connect after 1–2 s, and the tool reports how long until all are back.
 *
 * One epoll loop per process and no library per socket: a socket costs a descriptor and
 * about a hundred bytes. When N is over what one process may open (RLIMIT_NOFILE, raised
 * to its hard limit first), or with --procs, the sockets are shared by several child
 * processes; the parent logs in, publishes and adds up their results. Every wait is
 * bounded; loopback only.
 *
 *   ws-load --port PORT [--sockets N] [--spread SECONDS] [--publishes K]
 *           [--interval MS] [--per-address M] [--procs P] [--timeout SECONDS]
 *           [--username U --password P] [--reconnect-storm [--storm-jitter S]]
 *           [--publish-port P1[,P2...]]
 *
 * --publish-port posts the publishes to these ports in turn (instances behind the
 * balancer that --port is), so that a publish on either instance is measured.
 */

#define _GNU_SOURCE

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS        64
#define MIN(a, b)        ((a) < (b) ? (a) : (b))
#define RING             8          /* last (seq, time) pairs kept per socket */
#define MAX_PUBLISHES    10000
#define HIST_MS          120000     /* latency histogram: 1 ms buckets up to 2 min */
#define BUF_SIZE         1024
#define FD_SPARE         32
#define OPEN_GRACE_S     30.0       /* after the spread, how long opening may go on */
#define STORM_LIMIT_S    120.0      /* a storm is given up after this long */

typedef enum {
  S_WAITING,       /* not yet started, or waiting to reconnect */
  S_CONNECTING,
  S_UPGRADING,     /* request sent, waiting for the 101 */
  S_OPEN,
  S_DONE,          /* given up */
} SockState;

typedef struct {
  int       fd;
  uint8_t   state;
  uint8_t   ring_n;
  uint8_t   was_open;      /* opened at least once */
  uint16_t  buf_len;
  uint32_t  index;         /* global */
  uint32_t  attempts;
  double    due;           /* when to (re)connect */
  double    started;       /* this attempt's connect() */
  int64_t   ring_seq[RING];
  double    ring_time[RING];
  char     *buf;           /* only while upgrading or holding a partial frame */
} Sock;

typedef struct {
  int64_t seq;
  double  t0;
  double  deadline;
  int     closed;
  uint8_t *done;           /* per local socket */
} Publish;

#define MAX_PUBLISH_PORTS 16

typedef struct {
  int     port;
  int     publish_ports[MAX_PUBLISH_PORTS];   /* round robin; none: --port */
  int     n_publish_ports;
  int     sockets;
  double  spread;
  int     publishes;
  int     interval_ms;
  int     per_address;
  int     procs;
  double  timeout;
  double  hold;
  const char *username;
  const char *password;
  int     storm;
  double  storm_jitter;
} Options;

static Options opt = {
  .port = 0, .sockets = 2000, .spread = 20, .publishes = 10, .interval_ms = 2000,
  .per_address = 100, .procs = 0, .timeout = 10, .hold = 2,
  .username = "servicedesk", .password = "demo", .storm = 0, .storm_jitter = 5,
};

/* ---- time and small helpers ---- */

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die (const char *what)
{
  fprintf (stderr, "ws-load: %s: %s\n", what, strerror (errno));
  exit (2);
}

static double
jitter (double max)
{
  return max * (double) random () / (double) RAND_MAX;
}

static long
raise_nofile (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return 1024;
  limit.rlim_cur = limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    getrlimit (RLIMIT_NOFILE, &limit);
  return limit.rlim_cur == RLIM_INFINITY ? 1 << 20 : (long) limit.rlim_cur;
}

/* ---- the parent's plain HTTP (one blocking request per connection) ---- */

static char *
http_request (int         port,
              const char *method,
              const char *path,
              const char *token,
              const char *body)
{
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct timeval tv = { .tv_sec = 60 };
  size_t size = 65536, len = 0;
  char *reply = malloc (size);
  char head[1024];
  int fd, n;

  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    die ("socket");
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt (fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect (fd, (struct sockaddr *) &to, sizeof to) != 0)
    die ("connecting to the server");

  n = snprintf (head, sizeof head,
                "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
                "Content-Type: application/json\r\nContent-Length: %zu\r\n%s%s%s\r\n",
                method, path, port, body ? strlen (body) : 0,
                token ? "Authorization: Bearer " : "", token ? token : "", token ? "\r\n" : "");
  if (write (fd, head, n) != n || (body && write (fd, body, strlen (body)) != (ssize_t) strlen (body)))
    die ("sending a request");

  for (int i = 0; i < 10000; i++)
    {
      ssize_t got;

      if (len + 1 >= size)
        reply = realloc (reply, size *= 2);
      got = read (fd, reply + len, size - len - 1);
      if (got <= 0)
        break;
      len += got;
    }
  reply[len] = '\0';
  close (fd);

  if (strncmp (reply, "HTTP/1.1 200", 12) != 0)
    {
      fprintf (stderr, "ws-load: %s %s answered: %.300s\n", method, path, reply);
      exit (2);
    }
  return reply;
}

static int
publish_port (int n)
{
  return opt.n_publish_ports > 0 ? opt.publish_ports[n % opt.n_publish_ports] : opt.port;
}

static char *
login (void)
{
  char body[512];
  char *reply, *start, *end, *token;

  snprintf (body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", opt.username,
            opt.password);
  reply = http_request (publish_port (0), "POST", "/api/v1/session", NULL, body);
  start = strstr (reply, "\"token\":\"");
  if (start == NULL)
    {
      fprintf (stderr, "ws-load: no token in the login reply\n");
      exit (2);
    }
  start += 9;
  end = strchr (start, '"');
  token = strndup (start, end - start);
  free (reply);
  return token;
}

static void
uuid4 (char out[37])
{
  unsigned char b[16];

  for (int i = 0; i < 16; i++)
    b[i] = random () & 0xff;
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  snprintf (out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
            b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
            b[13], b[14], b[15]);
}

/* Creates a case; returns the reply's last_seq. */
static int64_t
publish (const char *token,
         int         n)
{
  char mutation_id[37], case_id[37], body[1024];
  char *reply, *seq;
  int64_t value;

  uuid4 (mutation_id);
  uuid4 (case_id);
  snprintf (body, sizeof body,
            "{\"mutations\":[{\"id\":\"%s\",\"op\":\"case.create\",\"base_revision\":0,"
            "\"data\":{\"id\":\"%s\",\"kind\":\"incident\",\"area\":\"it_telephony\","
            "\"title\":\"Lasttest %d\",\"description\":\"ws-load\",\"scope\":\"Alla\","
            "\"services\":[\"tes\"],\"priority\":3,\"public\":false,"
            "\"start\":\"2026-01-01T00:00:00Z\",\"expected_end\":null}}]}",
            mutation_id, case_id, n);
  reply = http_request (publish_port (n), "POST", "/api/v1/mutations", token, body);
  seq = strstr (reply, "\"last_seq\":");
  if (seq == NULL || strstr (reply, "\"applied\"") == NULL)
    {
      fprintf (stderr, "ws-load: the publish was not applied: %.300s\n", reply);
      exit (2);
    }
  value = strtoll (seq + 11, NULL, 10);
  free (reply);
  return value;
}

/* ---- one worker process: its share of the sockets ---- */

typedef struct {
  int       first, count;      /* global indices */
  Sock     *socks;
  int       epoll_fd;
  int       cmd_fd;            /* from the parent: "P seq t0", "E" */
  int       out_fd;            /* to the parent */
  double    t_start;
  int       n_open;
  int       n_ever_open;
  double    last_open_at;      /* of the first open of each socket */
  uint32_t  retries;
  uint32_t  refused;           /* non-101 answers */
  uint64_t  *hist;             /* latency ms → count */
  uint64_t  n_latency;
  double    max_latency;
  uint64_t  missed;
  Publish   pubs[64];          /* still open publishes */
  int       n_pubs;
  /* storm */
  double    first_down;
  double    all_back_at;
  int       n_down_ever;
  char      cmd_buf[4096];
  int       cmd_len;
  int       ended;
} Worker;

static const char upgrade_fmt[] =
  "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
  "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
  "Sec-WebSocket-Version: 13\r\nUser-Agent: ws-load\r\n\r\n";

static void
sock_close (Worker *w,
            Sock   *s)
{
  if (s->fd >= 0)
    close (s->fd);   /* also leaves the epoll set */
  s->fd = -1;
  free (s->buf);
  s->buf = NULL;
  s->buf_len = 0;
  if (s->state == S_OPEN)
    w->n_open--;
}

static void
schedule_retry (Worker *w,
                Sock   *s,
                double  delay)
{
  double now = now_s ();

  sock_close (w, s);
  w->retries++;
  s->state = S_WAITING;
  s->due = now + delay;
}

/* The server went away under an open socket (or refused it). */
static void
lost (Worker *w,
      Sock   *s)
{
  double now = now_s ();
  int was_open = s->state == S_OPEN;

  if (was_open && opt.storm)
    {
      if (w->first_down == 0)
        w->first_down = now;
      w->n_down_ever++;
      sock_close (w, s);
      s->state = S_WAITING;
      s->due = now + jitter (opt.storm_jitter);   /* the storm: all within the jitter */
      return;
    }
  /* a desktop tries again after a second or two */
  schedule_retry (w, s, 1.0 + jitter (1.0));
}

static void
start_connect (Worker *w,
               Sock   *s)
{
  struct sockaddr_in from = { .sin_family = AF_INET };
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (opt.port) };
  struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.ptr = s };
  int one = 1;

  from.sin_addr.s_addr = htonl (0x7f000002u + s->index / opt.per_address);
  to.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  s->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (s->fd < 0)
    {
      fprintf (stderr, "ws-load: socket: %s\n", strerror (errno));
      s->state = S_DONE;
      return;
    }
  s->attempts++;
  s->started = now_s ();
  setsockopt (s->fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  setsockopt (s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (bind (s->fd, (struct sockaddr *) &from, sizeof from) != 0 ||
      (connect (s->fd, (struct sockaddr *) &to, sizeof to) != 0 && errno != EINPROGRESS))
    {
      lost (w, s);
      return;
    }
  s->state = S_CONNECTING;
  if (epoll_ctl (w->epoll_fd, EPOLL_CTL_ADD, s->fd, &ev) != 0)
    die ("epoll_ctl");
}

static void
send_upgrade (Worker *w,
              Sock   *s)
{
  char request[512];
  struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = s };
  int n = snprintf (request, sizeof request, upgrade_fmt, opt.port);
  int error = 0;
  socklen_t len = sizeof error;

  getsockopt (s->fd, SOL_SOCKET, SO_ERROR, &error, &len);
  if (error != 0 || write (s->fd, request, n) != n)
    {
      lost (w, s);
      return;
    }
  s->state = S_UPGRADING;
  epoll_ctl (w->epoll_fd, EPOLL_CTL_MOD, s->fd, &ev);
}

/* A socket received last_seq @seq at @t: it counts for every open publish up to it. */
static void
note_seq (Worker  *w,
          Sock    *s,
          int64_t  seq,
          double   t)
{
  int local = s->index - w->first;

  memmove (s->ring_seq + 1, s->ring_seq, sizeof s->ring_seq[0] * (RING - 1));
  memmove (s->ring_time + 1, s->ring_time, sizeof s->ring_time[0] * (RING - 1));
  s->ring_seq[0] = seq;
  s->ring_time[0] = t;
  if (s->ring_n < RING)
    s->ring_n++;

  for (int p = 0; p < w->n_pubs; p++)
    {
      Publish *pub = &w->pubs[p];
      double latency;
      uint64_t ms;

      if (pub->closed || pub->done[local] || seq < pub->seq)
        continue;
      pub->done[local] = 1;
      latency = t - pub->t0;
      ms = latency < 0 ? 0 : (uint64_t) (latency * 1000);
      w->hist[ms < HIST_MS ? ms : HIST_MS - 1]++;
      w->n_latency++;
      if (latency > w->max_latency)
        w->max_latency = latency;
    }
}

static void
send_pong (Sock                *s,
           const unsigned char *payload,
           size_t               len)
{
  unsigned char frame[2 + 4 + 125];

  if (len > 125)
    len = 125;
  frame[0] = 0x8a;
  frame[1] = 0x80 | len;
  memset (frame + 2, 0, 4);             /* a zero mask: the payload goes as it is */
  memcpy (frame + 6, payload, len);
  (void) !write (s->fd, frame, 6 + len);
}

/* Consumes whole frames from @data; returns how many bytes were used, or -1 when the
 * server closed the socket. */
static ssize_t
read_frames (Worker              *w,
             Sock                *s,
             const unsigned char *data,
             size_t               len,
             double               t)
{
  size_t used = 0;

  while (len - used >= 2)
    {
      const unsigned char *f = data + used;
      int opcode = f[0] & 0x0f;
      uint64_t payload = f[1] & 0x7f;
      size_t head = 2;

      if (payload == 126)
        {
          if (len - used < 4)
            break;
          payload = (f[2] << 8) | f[3];
          head = 4;
        }
      else if (payload == 127)
        {
          if (len - used < 10)
            break;
          payload = 0;
          for (int i = 0; i < 8; i++)
            payload = (payload << 8) | f[2 + i];
          head = 10;
        }
      if (payload > BUF_SIZE - 16)
        return -1;   /* nothing this big is expected */
      if (len - used < head + payload)
        break;

      if (opcode == 0x1)
        {
          char text[BUF_SIZE];
          const char *seq;

          memcpy (text, f + head, payload);
          text[payload] = '\0';
          seq = strstr (text, "\"last_seq\":");
          if (seq != NULL)
            note_seq (w, s, strtoll (seq + 11, NULL, 10), t);
        }
      else if (opcode == 0x9)
        send_pong (s, f + head, payload);
      else if (opcode == 0x8)
        return -1;

      used += head + payload;
    }
  return used;
}

static void
became_open (Worker *w,
             Sock   *s,
             double  t)
{
  s->state = S_OPEN;
  w->n_open++;
  if (!s->was_open)
    {
      /* the first open of each socket counts for the open time */
      s->was_open = 1;
      w->n_ever_open++;
      w->last_open_at = t;
    }
  if (opt.storm && w->first_down != 0 && w->n_open == w->count)
    w->all_back_at = t;
}

static void
handle_readable (Worker *w,
                 Sock   *s)
{
  unsigned char data[BUF_SIZE * 4];
  size_t have = 0;
  double t = now_s ();
  ssize_t got;

  if (s->buf_len > 0)
    {
      memcpy (data, s->buf, s->buf_len);
      have = s->buf_len;
      s->buf_len = 0;
    }

  got = read (s->fd, data + have, sizeof data - have);
  if (got <= 0)
    {
      if (got < 0 && (errno == EAGAIN || errno == EINTR))
        return;
      lost (w, s);
      return;
    }
  have += got;

  if (s->state == S_UPGRADING)
    {
      unsigned char *end = memmem (data, have, "\r\n\r\n", 4);
      size_t head;

      if (end == NULL)
        {
          if (have > BUF_SIZE)
            {
              lost (w, s);
              return;
            }
          goto keep;
        }
      if (have < 12 || memcmp (data, "HTTP/1.1 101", 12) != 0)
        {
          w->refused++;
          lost (w, s);
          return;
        }
      head = end + 4 - data;
      memmove (data, data + head, have - head);
      have -= head;
      became_open (w, s, t);
    }

  {
    ssize_t used = read_frames (w, s, data, have, t);

    if (used < 0)
      {
        lost (w, s);
        return;
      }
    memmove (data, data + used, have - used);
    have -= used;
  }

keep:
  if (have > 0)
    {
      if (s->buf == NULL)
        s->buf = malloc (BUF_SIZE * 4);
      memcpy (s->buf, data, have);
      s->buf_len = have;
    }
  else if (s->buf != NULL)
    {
      free (s->buf);
      s->buf = NULL;
    }
}

/* A publish announced by the parent: sockets that already have its seq count now. */
static void
add_publish (Worker  *w,
             int64_t  seq,
             double   t0)
{
  Publish *pub;

  if (w->n_pubs == (int) (sizeof w->pubs / sizeof w->pubs[0]))
    return;
  pub = &w->pubs[w->n_pubs++];
  pub->seq = seq;
  pub->t0 = t0;
  pub->deadline = now_s () + opt.timeout;
  pub->closed = 0;
  pub->done = calloc (w->count, 1);

  for (int i = 0; i < w->count; i++)
    {
      Sock *s = &w->socks[i];
      double first = 0;

      for (int r = 0; r < s->ring_n; r++)
        if (s->ring_seq[r] >= seq)
          first = s->ring_time[r];   /* the ring is newest first: ends at the earliest */
      if (first != 0)
        {
          double latency = first - t0;
          uint64_t ms = latency < 0 ? 0 : (uint64_t) (latency * 1000);

          pub->done[i] = 1;
          w->hist[ms < HIST_MS ? ms : HIST_MS - 1]++;
          w->n_latency++;
          if (latency > w->max_latency)
            w->max_latency = latency;
        }
    }
}

/* A publish past its timeout: every socket without it missed it. */
static void
close_publishes (Worker *w,
                 double  now,
                 int     all)
{
  for (int p = 0; p < w->n_pubs; p++)
    {
      Publish *pub = &w->pubs[p];

      if (pub->closed || (!all && now < pub->deadline))
        continue;
      for (int i = 0; i < w->count; i++)
        if (!pub->done[i])
          w->missed++;
      pub->closed = 1;
      free (pub->done);
      pub->done = NULL;
    }
  /* drop closed ones from the front */
  while (w->n_pubs > 0 && w->pubs[0].closed)
    {
      memmove (w->pubs, w->pubs + 1, sizeof w->pubs[0] * (w->n_pubs - 1));
      w->n_pubs--;
    }
}

static void
read_commands (Worker *w)
{
  ssize_t got = read (w->cmd_fd, w->cmd_buf + w->cmd_len, sizeof w->cmd_buf - 1 - w->cmd_len);
  char *line, *nl;

  if (got <= 0)
    {
      w->ended = 1;   /* the parent is gone */
      return;
    }
  w->cmd_len += got;
  w->cmd_buf[w->cmd_len] = '\0';
  line = w->cmd_buf;
  while ((nl = strchr (line, '\n')) != NULL)
    {
      *nl = '\0';
      if (line[0] == 'P')
        {
          long long seq;
          double t0;

          if (sscanf (line + 1, "%lld %lf", &seq, &t0) == 2)
            add_publish (w, seq, t0);
        }
      else if (line[0] == 'E')
        w->ended = 1;
      line = nl + 1;
    }
  w->cmd_len -= line - w->cmd_buf;
  memmove (w->cmd_buf, line, w->cmd_len);
}

static void
say (int         fd,
     const char *format,
     ...)
{
  char text[512];
  va_list args;
  int n;

  va_start (args, format);
  n = vsnprintf (text, sizeof text, format, args);
  va_end (args);
  if (write (fd, text, n) != n)
    _exit (3);
}

static void
report (Worker *w)
{
  say (w->out_fd, "R %d %d %.6f %u %u %llu %.6f %llu %.6f %.6f %d\n", w->n_ever_open, w->n_open,
       w->last_open_at, w->retries, w->refused, (unsigned long long) w->n_latency,
       w->max_latency, (unsigned long long) w->missed, w->first_down, w->all_back_at,
       w->n_down_ever);
  for (int ms = 0; ms < HIST_MS; ms++)
    if (w->hist[ms] != 0)
      say (w->out_fd, "H %d %llu\n", ms, (unsigned long long) w->hist[ms]);
  say (w->out_fd, "X\n");
}

static void
run_worker (Worker *w)
{
  struct epoll_event events[256];
  struct epoll_event cmd_ev = { .events = EPOLLIN, .data.ptr = NULL };
  int next_start = 0;
  int said_opened = 0;
  double open_deadline = w->t_start + opt.spread + OPEN_GRACE_S;
  double last_scan = 0;

  w->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (w->epoll_fd < 0)
    die ("epoll_create1");
  epoll_ctl (w->epoll_fd, EPOLL_CTL_ADD, w->cmd_fd, &cmd_ev);
  w->hist = calloc (HIST_MS, sizeof w->hist[0]);
  w->socks = calloc (w->count, sizeof w->socks[0]);
  for (int i = 0; i < w->count; i++)
    {
      w->socks[i].fd = -1;
      w->socks[i].index = w->first + i;
      w->socks[i].due = w->t_start + opt.spread * (w->first + i) / opt.sockets;
    }

  /* bounded: the parent always ends it, and without a parent the read fails */
  while (!w->ended)
    {
      double now = now_s ();
      int timeout_ms = 20, n;

      /* the first opens, in order */
      while (next_start < w->count && w->socks[next_start].due <= now)
        {
          if (w->socks[next_start].state == S_WAITING && w->socks[next_start].attempts == 0)
            start_connect (w, &w->socks[next_start]);
          next_start++;
        }

      /* retries and the storm's reconnects: a scan every 20 ms */
      if (now - last_scan >= 0.02)
        {
          last_scan = now;
          for (int i = 0; i < next_start; i++)
            {
              Sock *s = &w->socks[i];

              if (s->state != S_WAITING || s->due > now)
                continue;
              if (!opt.storm && now > open_deadline)
                s->state = S_DONE;
              else if (opt.storm && w->first_down != 0 && now - w->first_down > STORM_LIMIT_S)
                s->state = S_DONE;
              else
                start_connect (w, s);
            }
          close_publishes (w, now, 0);
        }

      if (!said_opened && next_start == w->count &&
          (w->n_open == w->count || now > open_deadline))
        {
          said_opened = 1;
          say (w->out_fd, "O %d %.6f\n", w->n_ever_open, w->last_open_at);
        }
      /* bounded: a server that never goes away ends the storm wait too */
      if (opt.storm && said_opened == 1 &&
          (w->first_down != 0 ? (w->all_back_at != 0 || now - w->first_down > STORM_LIMIT_S)
                              : now > open_deadline + STORM_LIMIT_S))
        {
          said_opened = 2;
          say (w->out_fd, "B\n");
        }

      n = epoll_wait (w->epoll_fd, events, 256, timeout_ms);
      for (int i = 0; i < n; i++)
        {
          Sock *s = events[i].data.ptr;

          if (s == NULL)
            {
              read_commands (w);
              continue;
            }
          if (s->fd < 0)
            continue;
          if (s->state == S_CONNECTING)
            {
              if (events[i].events & (EPOLLERR | EPOLLHUP))
                lost (w, s);
              else if (events[i].events & EPOLLOUT)
                send_upgrade (w, s);
              continue;
            }
          if (events[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            handle_readable (w, s);
        }
    }

  close_publishes (w, now_s (), 1);
  report (w);
}

/* ---- the parent ---- */

typedef struct {
  pid_t pid;
  int   cmd_fd;
  int   out_fd;
  FILE *out;
} Child;

static uint64_t hist_all[HIST_MS];
static double post_times[MAX_PUBLISHES];   /* each publish's POST round trip */

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
percentile (uint64_t total,
            double   fraction)
{
  uint64_t want = (uint64_t) (fraction * total), seen = 0;

  if (total == 0)
    return 0;
  for (int ms = 0; ms < HIST_MS; ms++)
    {
      seen += hist_all[ms];
      if (seen > want || (seen == total))
        return ms + 0.5;
    }
  return HIST_MS;
}

/* Waits for one line starting with @tag from every child. */
static void
wait_for_all (Child      *children,
              int         n,
              char        tag,
              void      (*each) (const char *line, void *data),
              void       *data)
{
  for (int c = 0; c < n; c++)
    {
      char line[512];

      for (;;)
        {
          if (fgets (line, sizeof line, children[c].out) == NULL)
            {
              fprintf (stderr, "ws-load: a worker died\n");
              exit (2);
            }
          if (line[0] == tag)
            break;
        }
      if (each)
        each (line, data);
    }
}

typedef struct {
  int    ever_open;
  double last_open_at;
} Opened;

static void
add_opened (const char *line,
            void       *data)
{
  Opened *opened = data;
  int count;
  double at;

  if (sscanf (line + 1, "%d %lf", &count, &at) == 2)
    {
      opened->ever_open += count;
      if (at > opened->last_open_at)
        opened->last_open_at = at;
    }
}

static void
usage (void)
{
  fprintf (stderr,
           "usage: ws-load --port PORT [--sockets N] [--spread S] [--publishes K] "
           "[--interval MS] [--per-address M] [--procs P] [--timeout S] [--hold S] "
           "[--username U] [--password P] [--reconnect-storm] [--storm-jitter S] "
           "[--publish-port P1[,P2...]]\n");
  exit (2);
}

static void
parse_options (int    argc,
               char **argv)
{
  static const struct option longs[] = {
    { "port", required_argument, NULL, 'p' },
    { "sockets", required_argument, NULL, 'n' },
    { "spread", required_argument, NULL, 's' },
    { "publishes", required_argument, NULL, 'k' },
    { "interval", required_argument, NULL, 'i' },
    { "per-address", required_argument, NULL, 'a' },
    { "procs", required_argument, NULL, 'P' },
    { "timeout", required_argument, NULL, 't' },
    { "hold", required_argument, NULL, 'h' },
    { "username", required_argument, NULL, 'u' },
    { "password", required_argument, NULL, 'w' },
    { "reconnect-storm", no_argument, NULL, 'r' },
    { "publish-port", required_argument, NULL, 'q' },
    { "storm-jitter", required_argument, NULL, 'j' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  while ((c = getopt_long (argc, argv, "", longs, NULL)) != -1)
    switch (c)
      {
      case 'p': opt.port = atoi (optarg); break;
      case 'n': opt.sockets = atoi (optarg); break;
      case 's': opt.spread = atof (optarg); break;
      case 'k': opt.publishes = atoi (optarg); break;
      case 'i': opt.interval_ms = atoi (optarg); break;
      case 'a': opt.per_address = atoi (optarg); break;
      case 'P': opt.procs = atoi (optarg); break;
      case 't': opt.timeout = atof (optarg); break;
      case 'h': opt.hold = atof (optarg); break;
      case 'u': opt.username = optarg; break;
      case 'w': opt.password = optarg; break;
      case 'r': opt.storm = 1; break;
      case 'j': opt.storm_jitter = atof (optarg); break;
      case 'q':
        {
          char *copy = strdup (optarg), *save = NULL;

          for (char *part = strtok_r (copy, ",", &save); part != NULL;
               part = strtok_r (NULL, ",", &save))
            {
              if (opt.n_publish_ports == MAX_PUBLISH_PORTS)
                usage ();
              opt.publish_ports[opt.n_publish_ports++] = atoi (part);
            }
          free (copy);
          break;
        }
      default: usage ();
      }

  if (opt.port <= 0 || opt.port > 65535 || opt.sockets <= 0 || opt.sockets > 1000000 ||
      opt.per_address <= 0 || opt.spread < 0 || opt.publishes < 0 ||
      opt.publishes > MAX_PUBLISHES || opt.procs < 0 || opt.procs > MAX_PROCS ||
      opt.sockets / opt.per_address > 16000000)
    usage ();
  for (int i = 0; i < opt.n_publish_ports; i++)
    if (opt.publish_ports[i] <= 0 || opt.publish_ports[i] > 65535)
      usage ();
}

int
main (int    argc,
      char **argv)
{
  Child children[MAX_PROCS];
  long nofile;
  int procs;
  double t_start, t_opened;
  Opened opened = { 0 };
  char *token = NULL;
  uint64_t n_latency = 0, missed = 0;
  double max_latency = 0, first_down = 0, all_back = 0;
  int ever_open = 0, still_open = 0, down_ever = 0;
  unsigned retries = 0, refused = 0;

  parse_options (argc, argv);
  signal (SIGPIPE, SIG_IGN);
  srandom (getpid () ^ (unsigned) time (NULL));
  nofile = raise_nofile ();

  procs = opt.procs;
  if (procs == 0)
    procs = (opt.sockets + (nofile - FD_SPARE) - 1) / (nofile - FD_SPARE);
  if (procs > MAX_PROCS || (opt.sockets + procs - 1) / procs > nofile - FD_SPARE)
    {
      fprintf (stderr, "ws-load: %d sockets need more than %d processes of %ld descriptors\n",
               opt.sockets, MAX_PROCS, nofile);
      return 2;
    }

  if (opt.publishes > 0)
    token = login ();

  t_start = now_s () + 0.2;
  for (int c = 0; c < procs; c++)
    {
      int to_child[2], from_child[2];
      pid_t pid;

      if (pipe2 (to_child, O_CLOEXEC) != 0 || pipe2 (from_child, O_CLOEXEC) != 0)
        die ("pipe");
      fflush (NULL);
      pid = fork ();
      if (pid < 0)
        die ("fork");
      if (pid == 0)
        {
          Worker w = { 0 };

          for (int o = 0; o < c; o++)
            {
              close (children[o].cmd_fd);
              fclose (children[o].out);
            }
          close (to_child[1]);
          close (from_child[0]);
          srandom (getpid () ^ (unsigned) time (NULL));
          w.first = (int) ((long long) opt.sockets * c / procs);
          w.count = (int) ((long long) opt.sockets * (c + 1) / procs) - w.first;
          w.cmd_fd = to_child[0];
          w.out_fd = from_child[1];
          w.t_start = t_start;
          run_worker (&w);
          _exit (0);
        }
      close (to_child[0]);
      close (from_child[1]);
      children[c].pid = pid;
      children[c].cmd_fd = to_child[1];
      children[c].out_fd = from_child[0];
      children[c].out = fdopen (from_child[0], "r");
    }

  wait_for_all (children, procs, 'O', add_opened, &opened);
  t_opened = now_s ();
  printf ("sockets %d processes %d per-address %d spread %.1f s\n", opt.sockets, procs,
          opt.per_address, opt.spread);
  printf ("connected %d (%.2f %%) open_time %.2f s\n", opened.ever_open,
          100.0 * opened.ever_open / opt.sockets,
          opened.last_open_at > 0 ? opened.last_open_at - t_start : 0.0);
  fflush (stdout);

  if (opt.storm)
    {
      printf ("ready\n");
      fflush (stdout);
      /* the caller restarts the server; every child says B once all are back */
      wait_for_all (children, procs, 'B', NULL, NULL);
    }
  else if (opt.publishes > 0)
    {
      double next;

      /* let the opening settle */
      usleep ((useconds_t) (opt.hold * 1e6));
      next = now_s ();
      for (int k = 0; k < opt.publishes; k++)
        {
          double t0, now;
          int64_t seq;
          char line[128];
          int len;

          now = now_s ();
          if (next > now)
            usleep ((useconds_t) ((next - now) * 1e6));
          next += opt.interval_ms / 1000.0;
          t0 = now_s ();
          seq = publish (token, k);
          post_times[k] = now_s () - t0;
          len = snprintf (line, sizeof line, "P %lld %.6f\n", (long long) seq, t0);
          if (opt.n_publish_ports > 0)
            printf ("publish %d port %d seq %lld\n", k, publish_port (k), (long long) seq);
          for (int c = 0; c < procs; c++)
            if (write (children[c].cmd_fd, line, len) != len)
              die ("telling a worker");
        }
      /* the last one's timeout */
      usleep ((useconds_t) ((opt.timeout + 0.5) * 1e6));
    }

  for (int c = 0; c < procs; c++)
    if (write (children[c].cmd_fd, "E\n", 2) != 2)
      die ("ending a worker");

  for (int c = 0; c < procs; c++)
    {
      char line[512];

      while (fgets (line, sizeof line, children[c].out) != NULL && line[0] != 'X')
        {
          if (line[0] == 'R')
            {
              int e, o, d;
              double lo, ml, fd, ab;
              unsigned r, rf;
              unsigned long long nl, m;

              if (sscanf (line + 1, "%d %d %lf %u %u %llu %lf %llu %lf %lf %d", &e, &o, &lo, &r,
                          &rf, &nl, &ml, &m, &fd, &ab, &d) == 11)
                {
                  ever_open += e;
                  still_open += o;
                  retries += r;
                  refused += rf;
                  n_latency += nl;
                  missed += m;
                  if (ml > max_latency)
                    max_latency = ml;
                  if (fd != 0 && (first_down == 0 || fd < first_down))
                    first_down = fd;
                  if (ab > all_back)
                    all_back = ab;
                  down_ever += d;
                }
            }
          else if (line[0] == 'H')
            {
              int ms;
              unsigned long long count;

              if (sscanf (line + 1, "%d %llu", &ms, &count) == 2 && ms >= 0 && ms < HIST_MS)
                hist_all[ms] += count;
            }
        }
      fclose (children[c].out);
      close (children[c].cmd_fd);
      waitpid (children[c].pid, NULL, 0);
    }

  printf ("retries %u refused %u still_open %d\n", retries, refused, still_open);
  if (opt.publishes > 0 && !opt.storm)
    printf ("publishes %d deliveries %llu latency_ms p50 %.1f p90 %.1f p99 %.1f max %.1f "
            "missed %llu\n", opt.publishes, (unsigned long long) n_latency,
            MIN (percentile (n_latency, 0.50), max_latency * 1000),
            MIN (percentile (n_latency, 0.90), max_latency * 1000),
            MIN (percentile (n_latency, 0.99), max_latency * 1000), max_latency * 1000,
            (unsigned long long) missed);
  if (opt.publishes > 0 && !opt.storm)
    {
      /* the POST's own time (the commit, fsync included) is part of each latency */
      qsort (post_times, opt.publishes, sizeof post_times[0], compare_doubles);
      printf ("post_ms p50 %.1f p99 %.1f max %.1f\n", post_times[opt.publishes / 2] * 1000,
              post_times[(int) (opt.publishes * 0.99)] * 1000, post_times[opt.publishes - 1] * 1000);
    }
  if (opt.storm)
    {
      if (first_down == 0)
        printf ("storm: no socket lost its connection\n");
      else
        printf ("storm: lost %d back %d of %d all_back %s %.2f s after the first loss\n",
                down_ever, still_open, opt.sockets, still_open == opt.sockets ? "yes" : "NO",
                (all_back > 0 ? all_back : now_s ()) - first_down);
    }
  (void) t_opened;
  free (token);
  return 0;
}
