/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-sync-snapshot.c: a first sync's snapshot: download (resumable), decode, check
 *
 * GET /api/v1/snapshot answers a zstd file of independent frames (each 4 MiB of the
 * replica, with its own checksum). It is decoded as it arrives into
 * "<replica>.snapshot.part", with a CRC-32 of the decoded bytes kept as it goes. At each
 * frame's end the sidecar "<replica>.snapshot.json" records where a later process can
 * start again: {etag, encoded_offset, decoded_offset, crc32}. A decoder can only start
 * at a frame, so that is where a resume from the sidecar begins. A cut inside this call
 * keeps the decoder as it was and asks for the rest from the very byte it stopped at.
 *
 * A damaged or unusable snapshot only makes the sync pass page from 0, and is logged:
 * those reasons are not translated. What the link or the server did ends the pass and
 * reaches the person using Driftkoll: those are said with the engine's own words.
 */

#define G_LOG_DOMAIN "dk-sync-snapshot"
#define _GNU_SOURCE   /* sync_file_range () */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "dk-core.h"
#include "dk-sync-engine.h"
#include "dk-sync-engine-private.h"
#include "dk-sync-snapshot.h"

#define READ_SIZE          (256 * 1024)
/* Decoded bytes go to the writer thread in chunks of this size, N_CHUNKS at most in
 * flight: the decoder (this thread) and the CRC-32 and writes (the writer) overlap. */
#define CHUNK_SIZE         (512 * 1024)
#define N_CHUNKS           4
/* Writeback is started every this many bytes, so the final fsync has little left. */
#define WRITEBACK_BYTES    (16 * 1024 * 1024)
/* Progress is told at most ten times a second. */
#define PROGRESS_INTERVAL  (G_USEC_PER_SEC / 10)

/* Snapshots this process refused ("<server> <etag>"): never downloaded again by it. */
G_LOCK_DEFINE_STATIC (refused);
static GHashTable *refused;

/* Decoded bytes on their way to the part, at @offset. */
typedef struct {
  guint8  *data;
  gsize    length;
  guint64  offset;
  gboolean stop;    /* the last one: the writer thread ends */
} Chunk;

typedef struct {
  /* what was asked */
  SoupSession            *session;
  const char             *server_url;
  const char             *token;
  DkSyncSnapshotProgress  progress;
  gpointer                user_data;
  char                   *part_path;
  char                   *sidecar_path;
  char                   *done_path;
  int                     fd;            /* the part, locked; -1 when closed */

  /* the last frame's end: what the sidecar says, where another process would resume */
  char                   *etag;
  guint64                 frame_encoded;
  guint64                 frame_decoded;
  guint32                 frame_crc;

  /* where this call is: the decoder holds everything fed to it up to here */
  guint64                 encoded;
  guint64                 decoded;
  guint32                 crc;           /* the writer's: read only when drained */
  gboolean                in_frame;      /* fed part of a frame not yet finished */
  guint64                 synced;        /* the writer's: bytes handed to writeback */

  /* what the server said the file is */
  guint64                 total;         /* encoded bytes in all; 0 while unknown */
  guint64                 size;          /* decoded */
  guint32                 checksum;      /* CRC-32 of the decoded file */

  ZSTD_DCtx              *dctx;
  guint8                 *in_buf;

  /* the writer thread: chunks go to it full and come back free; it owns crc, synced
   * and write_errno while any chunk is out (drain () waits for them all) */
  GThread                *writer;
  GAsyncQueue            *full;
  GAsyncQueue            *free;
  Chunk                   chunks[N_CHUNKS];
  int                     write_errno;   /* the first write that failed; 0 if none */
  gint64                  told_at;       /* monotonic µs of the last progress */
} Download;

static void
download_clear (Download *self)
{
  if (self->writer != NULL)
    {
      Chunk stop = { .stop = TRUE };

      g_async_queue_push (self->full, &stop);
      g_thread_join (g_steal_pointer (&self->writer));
    }
  g_clear_pointer (&self->full, g_async_queue_unref);
  g_clear_pointer (&self->free, g_async_queue_unref);
  for (guint i = 0; i < N_CHUNKS; i++)
    g_clear_pointer (&self->chunks[i].data, g_free);
  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  g_clear_pointer (&self->part_path, g_free);
  g_clear_pointer (&self->sidecar_path, g_free);
  g_clear_pointer (&self->done_path, g_free);
  g_clear_pointer (&self->etag, g_free);
  g_clear_pointer (&self->dctx, ZSTD_freeDCtx);
  g_clear_pointer (&self->in_buf, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Download, download_clear)

/* ---- errors ---- */

static void
set_corrupt (GError     **error,
             const char  *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
set_corrupt (GError     **error,
             const char  *format,
             ...)
{
  g_autofree char *why = NULL;
  va_list args;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT,
               "The server’s snapshot was refused: %s", why);
}

static void
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "Cannot %s %s: %s",
               what, path, g_strerror (saved_errno));
}

/* An answer that is no Driftkoll snapshot route's (a range not asked for, one refused). */
static void
set_not_protocol (GError      **error,
                  SoupMessage  *msg)
{
  g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
               _("%s gave an answer that is not the Driftkoll protocol; is the "
                 "server address right?"), g_uri_get_host (soup_message_get_uri (msg)));
}

static gboolean
is_disk_full (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE) ||
         g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
}

/* ---- refused snapshots ---- */

static char *
refused_key (Download   *self,
             const char *etag)
{
  return g_strconcat (self->server_url, " ", etag, NULL);
}

static gboolean
is_refused (Download   *self,
            const char *etag)
{
  g_autofree char *key = refused_key (self, etag);
  gboolean found;

  G_LOCK (refused);
  found = refused != NULL && g_hash_table_contains (refused, key);
  G_UNLOCK (refused);

  return found;
}

static void
remember_refused (Download   *self,
                  const char *etag)
{
  if (etag == NULL)
    return;

  G_LOCK (refused);
  if (refused == NULL)
    refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (refused, refused_key (self, etag));
  G_UNLOCK (refused);
}

/* ---- the files next to the replica ---- */

static void
remove_database_files (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);

      g_unlink (name);
    }
}

/* Forgets where the download stood (the part is truncated by rewind_to_frame ()). */
static void
forget_progress (Download *self)
{
  g_unlink (self->sidecar_path);
  g_clear_pointer (&self->etag, g_free);
  self->frame_encoded = self->frame_decoded = 0;
  self->frame_crc = 0;
}

/* Forgets the partial download and its files: a damaged or unusable one. */
static void
discard_partial (Download *self)
{
  forget_progress (self);
  g_unlink (self->part_path);
}

/* Written beside and renamed into place: a process killed now leaves the old sidecar
 * or the new one. Never fsynced (g_file_set_contents_full () with CONSISTENT syncs the
 * file and its folder each time, twice a frame, which cost most of a download's time
 * on a busy disk): after a power cut the sidecar may be older than the part, empty or
 * missing; an unreadable one starts the download over, one that says more than the
 * part holds is seen by load_sidecar (), and the final CRC-32 catches anything else. */
static gboolean
write_sidecar (Download    *self,
               const char  *text,
               GError     **error)
{
  g_autofree char *tmp_path = g_strconcat (self->sidecar_path, ".new", NULL);
  gsize length = strlen (text);
  int fd;

  fd = g_open (tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      set_io_error (error, errno, "write", tmp_path);
      return FALSE;
    }
  while (length > 0)
    {
      ssize_t written = write (fd, text, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          int saved_errno = written < 0 ? errno : ENOSPC;

          close (fd);
          g_unlink (tmp_path);
          set_io_error (error, saved_errno, "write", tmp_path);
          return FALSE;
        }
      text += written;
      length -= (gsize) written;
    }
  if (close (fd) != 0 || g_rename (tmp_path, self->sidecar_path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      set_io_error (error, saved_errno, "write", self->sidecar_path);
      return FALSE;
    }

  return TRUE;
}

static gboolean
save_sidecar (Download  *self,
              GError   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "etag");
  json_builder_add_string_value (builder, self->etag);
  json_builder_set_member_name (builder, "encoded_offset");
  json_builder_add_int_value (builder, (gint64) self->frame_encoded);
  json_builder_set_member_name (builder, "decoded_offset");
  json_builder_add_int_value (builder, (gint64) self->frame_decoded);
  json_builder_set_member_name (builder, "crc32");
  json_builder_add_int_value (builder, self->frame_crc);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  text = json_to_string (root, FALSE);

  return write_sidecar (self, text, error);
}

/* Takes up the sidecar of an earlier download when it and its part agree; otherwise
 * starts from nothing. */
static void
load_sidecar (Download *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  GStatBuf st;
  const char *etag;
  gint64 encoded, decoded, crc;

  if (!json_parser_load_from_file (parser, self->sidecar_path, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("Unreadable %s, starting over: %s", self->sidecar_path, error->message);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;
  object = json_node_get_object (json_parser_get_root (parser));
  etag = json_object_get_string_member_with_default (object, "etag", NULL);
  encoded = json_object_get_int_member_with_default (object, "encoded_offset", -1);
  decoded = json_object_get_int_member_with_default (object, "decoded_offset", -1);
  crc = json_object_get_int_member_with_default (object, "crc32", -1);
  if (etag == NULL || encoded < 0 || decoded < 0 || crc < 0 || crc > G_MAXUINT32 ||
      g_stat (self->part_path, &st) != 0 || (guint64) st.st_size < (guint64) decoded)
    {
      g_debug ("%s does not match its part, starting over", self->sidecar_path);
      return;
    }

  self->etag = g_strdup (etag);
  self->frame_encoded = (guint64) encoded;
  self->frame_decoded = (guint64) decoded;
  self->frame_crc = (guint32) crc;
}

/* Opens and locks the part: two processes on one replica (the app and the cli) must
 * not write it at once. The second one pages instead. */
static gboolean
open_part (Download  *self,
           GError   **error)
{
  self->fd = g_open (self->part_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (self->fd < 0)
    {
      set_io_error (error, errno, "open", self->part_path);
      return FALSE;
    }
  if (flock (self->fd, LOCK_EX | LOCK_NB) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                     "Another process is downloading the snapshot into %s", self->part_path);
      else
        set_io_error (error, saved_errno, "lock", self->part_path);
      close (self->fd);
      self->fd = -1;
      return FALSE;
    }

  return TRUE;
}

/* Goes back to the last frame's end: what is in the part after it is dropped and the
 * decoder starts afresh there (a resume from the sidecar, or a 200 after a resume). */
static gboolean
rewind_to_frame (Download  *self,
                 GError   **error)
{
  if (ftruncate (self->fd, (off_t) self->frame_decoded) != 0)
    {
      set_io_error (error, errno, "truncate", self->part_path);
      return FALSE;
    }

  ZSTD_DCtx_reset (self->dctx, ZSTD_reset_session_only);
  self->encoded = self->frame_encoded;
  self->decoded = self->frame_decoded;
  self->crc = self->frame_crc;
  self->synced = self->frame_decoded;
  self->write_errno = 0;
  self->in_frame = FALSE;

  return TRUE;
}

static gboolean
start_over (Download  *self,
            GError   **error)
{
  forget_progress (self);
  return rewind_to_frame (self, error);
}

/* ---- one request ---- */

/* Tells the bytes received so far (before they are decoded: a damaged file is still
 * seen arriving). */
static void
tell_progress (Download *self,
               guint64   received,
               gboolean  last)
{
  gint64 now = g_get_monotonic_time ();

  if (self->progress == NULL || (!last && now - self->told_at < PROGRESS_INTERVAL))
    return;

  self->told_at = now;
  self->progress (received, self->total, self->user_data);
}

static SoupMessage *
new_request (Download *self)
{
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  SoupMessageHeaders *headers;

  /* server_url ends in '/' (the engine keeps it so); DK_API_PREFIX begins with one. */
  url = g_strdup_printf ("%s%s/snapshot?schema=%d", self->server_url, DK_API_PREFIX + 1,
                         DK_STORE_SCHEMA_VERSION);
  msg = soup_message_new (SOUP_METHOD_GET, url);
  if (msg == NULL)
    return NULL;

  /* The representation is the compressed file itself: no Content-Encoding to undo. */
  soup_message_disable_feature (msg, SOUP_TYPE_CONTENT_DECODER);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", DK_SNAPSHOT_TYPE_ZSTD);
  if (self->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (self->etag != NULL && self->encoded > 0)
    {
      soup_message_headers_set_range (headers, (goffset) self->encoded, -1);
      soup_message_headers_replace (headers, "If-Range", self->etag);
    }

  return g_steal_pointer (&msg);
}

/* What the answer says the snapshot is: of the class asked for, a schema this client
 * knows, its decoded size and CRC-32. */
static gboolean
check_headers (Download    *self,
               SoupMessage *msg,
               GError     **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *expected = self->token != NULL ? DK_SNAPSHOT_CLASS_STAFF
                                             : DK_SNAPSHOT_CLASS_ANONYMOUS;
  const char *klass = soup_message_headers_get_one (headers, DK_HEADER_SNAPSHOT_CLASS);
  const char *schema = soup_message_headers_get_one (headers, DK_HEADER_SNAPSHOT_SCHEMA);
  const char *size = soup_message_headers_get_one (headers, DK_HEADER_SNAPSHOT_SIZE);
  const char *checksum = soup_message_headers_get_one (headers, DK_HEADER_SNAPSHOT_CHECKSUM);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  guint64 schema_number = 0, size_number = 0, checksum_number = 0;

  if (g_strcmp0 (klass, expected) != 0)
    {
      set_corrupt (error, "of the class “%s”, not “%s”", klass ? klass : "", expected);
      return FALSE;
    }
  if (schema == NULL || !g_ascii_string_to_unsigned (schema, 10, 1, G_MAXINT, &schema_number, NULL)
      || schema_number > DK_STORE_SCHEMA_VERSION)
    {
      set_corrupt (error, "schema “%s”, this client knows up to %d", schema ? schema : "",
                   DK_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  if (size == NULL || !g_ascii_string_to_unsigned (size, 10, 1, G_MAXINT64, &size_number, NULL)
      || checksum == NULL || !g_str_has_prefix (checksum, "crc32=") || strlen (checksum) != 14
      || !g_ascii_string_to_unsigned (checksum + 6, 16, 0, G_MAXUINT32, &checksum_number, NULL))
    {
      set_corrupt (error, "no size or checksum (“%s”, “%s”)", size ? size : "",
                   checksum ? checksum : "");
      return FALSE;
    }
  if (g_strcmp0 (type, DK_SNAPSHOT_TYPE_ZSTD) != 0 ||
      soup_message_headers_get_one (headers, "Content-Encoding") != NULL)
    {
      set_corrupt (error, "sent as “%s”", type ? type : "");
      return FALSE;
    }

  self->size = size_number;
  self->checksum = (guint32) checksum_number;
  return TRUE;
}

/* Takes up a 200 (the whole file: a first request, or a new generation) or a 206 (the
 * rest of the one we have part of), and checks what it says the file is. */
static gboolean
take_answer (Download    *self,
             SoupMessage *msg,
             GError     **error)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  const char *etag = soup_message_headers_get_one (headers, "ETag");
  goffset start = 0, end = 0, total = 0;

  if (etag == NULL || etag[0] != '"')
    {
      set_corrupt (error, "no strong ETag");
      return FALSE;
    }

  if (soup_message_get_status (msg) == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (g_strcmp0 (etag, self->etag) != 0 ||
          !soup_message_headers_get_content_range (headers, &start, &end, &total) ||
          (guint64) start != self->encoded || total <= 0)
        {
          g_debug ("A range of %s that was not asked for", etag);
          set_not_protocol (error, msg);
          return FALSE;
        }
      self->total = (guint64) total;
      g_debug ("Resuming %s at %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT " bytes", etag,
               self->encoded, self->total);
    }
  else
    {
      /* A 200: from the first byte, whatever we had. */
      if (self->etag != NULL || self->encoded > 0)
        {
          g_debug ("%s instead of %s: starting over", etag, self->etag ? self->etag : "(none)");
          if (!start_over (self, error))
            return FALSE;
        }
      self->etag = g_strdup (etag);
      self->total = (guint64) MAX (soup_message_headers_get_content_length (headers), 0);
    }

  if (is_refused (self, etag))
    {
      set_corrupt (error, "refused already (%s)", etag);
      return FALSE;
    }

  return check_headers (self, msg, error);
}

/* Writes one chunk at its offset and adds it to the CRC-32; after a failed write the
 * rest is skipped (drain () reports it). On the writer thread. */
static void
write_chunk (Download *self,
             Chunk    *chunk)
{
  const guint8 *data = chunk->data;
  gsize length = chunk->length;
  guint64 offset = chunk->offset;

  if (self->write_errno != 0)
    return;

  while (length > 0)
    {
      ssize_t written = pwrite (self->fd, data, length, (off_t) offset);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          self->write_errno = errno;
          return;
        }
      self->crc = (guint32) crc32_z (self->crc, data, (z_size_t) written);
      offset += (guint64) written;
      data += written;
      length -= (gsize) written;
    }

  /* Start the writeback now, so the final fsync is cheap (not waiting for it here). */
  if (offset - self->synced >= WRITEBACK_BYTES)
    {
      sync_file_range (self->fd, (off64_t) self->synced, (off64_t) (offset - self->synced),
                       SYNC_FILE_RANGE_WRITE);
      self->synced = offset;
    }
}

static gpointer
writer_thread (gpointer data)
{
  Download *self = data;

  for (;;)
    {
      Chunk *chunk = g_async_queue_pop (self->full);

      if (chunk->stop)
        return NULL;
      write_chunk (self, chunk);
      g_async_queue_push (self->free, chunk);
    }
}

/* Waits until the writer has written every chunk handed to it: then crc, synced and
 * the part are up to self->decoded, and this thread may read and change them. */
static gboolean
drain (Download  *self,
       GError   **error)
{
  Chunk *held[N_CHUNKS];

  for (guint i = 0; i < N_CHUNKS; i++)
    held[i] = g_async_queue_pop (self->free);
  for (guint i = 0; i < N_CHUNKS; i++)
    g_async_queue_push (self->free, held[i]);

  if (self->write_errno != 0)
    {
      set_io_error (error, self->write_errno, "write", self->part_path);
      return FALSE;
    }
  return TRUE;
}

/* Decodes @length bytes of the answer into the part (through the writer thread). At
 * each frame's end the sidecar moves on. Returns drained (see drain ()). */
static gboolean
decode (Download      *self,
        const guint8  *data,
        gsize          length,
        GError       **error)
{
  ZSTD_inBuffer in = { data, length, 0 };
  ZSTD_outBuffer out = { NULL, CHUNK_SIZE, 0 };

  do
    {
      Chunk *chunk = g_async_queue_pop (self->free);
      gsize before = in.pos;
      size_t ret;

      out.dst = chunk->data;
      out.pos = 0;
      ret = ZSTD_decompressStream (self->dctx, &out, &in);
      self->encoded += in.pos - before;
      if (ZSTD_isError (ret))
        {
          g_async_queue_push (self->free, chunk);
          drain (self, NULL);
          set_corrupt (error, "damaged at byte %" G_GUINT64_FORMAT ": %s", self->encoded,
                       ZSTD_getErrorName (ret));
          return FALSE;
        }
      if (out.pos > 0)
        {
          chunk->length = out.pos;
          chunk->offset = self->decoded;
          self->decoded += out.pos;
          g_async_queue_push (self->full, chunk);
        }
      else
        g_async_queue_push (self->free, chunk);
      if (self->decoded > self->size)
        {
          drain (self, NULL);
          set_corrupt (error, "longer than the %" G_GUINT64_FORMAT " bytes it was said to be",
                       self->size);
          return FALSE;
        }

      self->in_frame = ret != 0;
      if (ret == 0)
        {
          if (!drain (self, error))
            return FALSE;
          self->frame_encoded = self->encoded;
          self->frame_decoded = self->decoded;
          self->frame_crc = self->crc;
          if (!save_sidecar (self, error))
            return FALSE;
        }
    }
  while (in.pos < in.size || out.pos == out.size);

  return drain (self, error);
}

/* Reads the answer to its end. A failure of the link is returned as such (and *cut
 * says whether it was one); a damaged stream as DK_STORE_ERROR_CORRUPT. */
static gboolean
read_answer (Download      *self,
             SoupMessage   *msg,
             GInputStream  *stream,
             gboolean      *cut,
             GCancellable  *cancellable,
             GError       **error)
{
  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gssize n = g_input_stream_read (stream, self->in_buf, READ_SIZE, cancellable,
                                      &local_error);

      if (n < 0)
        {
          g_propagate_error (error, _dk_sync_send_failed (msg, local_error, cut));
          return FALSE;
        }
      if (n == 0)
        break;
      tell_progress (self, self->encoded + (guint64) n, FALSE);
      if (!decode (self, self->in_buf, (gsize) n, error))
        return FALSE;
    }

  if (self->in_frame)
    {
      set_corrupt (error, "it ends inside a frame, at byte %" G_GUINT64_FORMAT, self->encoded);
      return FALSE;
    }

  return TRUE;
}

/* One GET: sends, takes up the answer and reads it. */
static gboolean
fetch (Download      *self,
       gboolean      *cut,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(SoupMessage) msg = new_request (self);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status;

  *cut = FALSE;
  if (msg == NULL)
    {
      g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NO_SERVER, _("“%s” is not a server address"),
                   self->server_url);
      return FALSE;
    }

  stream = soup_session_send (self->session, msg, cancellable, &local_error);
  if (stream == NULL)
    {
      g_propagate_error (error, _dk_sync_send_failed (msg, local_error, cut));
      return FALSE;
    }

  status = soup_message_get_status (msg);
  switch (status)
    {
    case SOUP_STATUS_OK:
    case SOUP_STATUS_PARTIAL_CONTENT:
      break;
    case SOUP_STATUS_NOT_FOUND:
      discard_partial (self);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The server has no snapshot for us");
      return FALSE;
    case SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE:
      /* Our offset is past its file: the sidecar was wrong. Once more from the start. */
      g_debug ("Range from %" G_GUINT64_FORMAT " refused: starting over", self->encoded);
      if (!start_over (self, error))
        return FALSE;
      *cut = TRUE;
      set_not_protocol (error, msg);
      return FALSE;
    case SOUP_STATUS_UNAUTHORIZED:
      g_set_error_literal (error, DK_SYNC_ERROR, DK_SYNC_ERROR_NEEDS_LOGIN, _("Log in again"));
      return FALSE;
    default:
      if (status >= 500)
        g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_SERVER,
                     _("The server %s had a problem (%u): %s"),
                     g_uri_get_host (soup_message_get_uri (msg)), status,
                     soup_status_get_phrase (status));
      else
        g_set_error (error, DK_SYNC_ERROR, DK_SYNC_ERROR_REFUSED,
                     _("%s refused the request (%u %s); is the server address right?"),
                     g_uri_get_host (soup_message_get_uri (msg)), status,
                     soup_status_get_phrase (status));
      return FALSE;
    }

  if (!take_answer (self, msg, error) || !read_answer (self, msg, stream, cut, cancellable, error))
    return FALSE;

  g_input_stream_close (stream, NULL, NULL);
  return TRUE;
}

/* Fetches until the file is whole. A cut is asked again at once from where it stopped
 * while the link keeps moving; DK_SYNC_PULL_CUT_RETRIES cuts in a row that brought
 * nothing end it, as they end the pull. */
static gboolean
fetch_all (Download      *self,
           GCancellable  *cancellable,
           GError       **error)
{
  guint cuts = 0;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      guint64 before = self->encoded;
      gboolean cut = FALSE;

      if (fetch (self, &cut, cancellable, &local_error))
        return TRUE;

      if (!cut || g_error_matches (local_error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      cuts = self->encoded > before ? 0 : cuts + 1;
      if (cuts > DK_SYNC_PULL_CUT_RETRIES)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_debug ("Snapshot cut at byte %" G_GUINT64_FORMAT " (%s); asking for the rest",
               self->encoded, local_error->message);
    }
}

/* Writes the checked file's pages to disk in this thread, after the checks (so the
 * writeback went on under them). dk_store_install_snapshot () syncs it again before it
 * takes the replica's name, on the thread that shows the replica: this leaves that sync
 * only the few pages the install adds, instead of some 250 MB at 100,000 cases. Best
 * effort: a failure here is met again, and said, by that sync. */
static void
flush_checked_file (const char *path)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return;
  if (fsync (fd) != 0)
    g_debug ("fsync of %s: %s", path, g_strerror (errno));
  close (fd);
}

/* The decoded file is the one the headers describe; then it is closed, the sidecar
 * dropped, and it is renamed to where dk_store_prepare_snapshot () checks it. */
static gboolean
finish_file (Download  *self,
             GError   **error)
{
  if (self->decoded != self->size || self->crc != self->checksum)
    {
      set_corrupt (error, "%" G_GUINT64_FORMAT " bytes with CRC-32 %08x, not %" G_GUINT64_FORMAT
                   " with %08x", self->decoded, self->crc, self->size, self->checksum);
      return FALSE;
    }

  /* No fsync here: the checked file is only ever used by this process (a later one
   * deletes it, see download_setup ()); it is flushed once the checks are done
   * (flush_checked_file ()), so the writeback started by write_chunk () goes on under
   * them instead of being waited for first. */
  if (g_rename (self->part_path, self->done_path) != 0)
    {
      set_io_error (error, errno, "rename", self->part_path);
      return FALSE;
    }
  g_unlink (self->sidecar_path);
  close (self->fd);
  self->fd = -1;

  return TRUE;
}

static gboolean
download_setup (Download    *self,
                const char  *replica_path,
                GError     **error)
{
  self->part_path = g_strconcat (replica_path, ".snapshot.part", NULL);
  self->sidecar_path = g_strconcat (replica_path, ".snapshot.json", NULL);
  self->done_path = g_strconcat (replica_path, ".snapshot.db", NULL);
  self->dctx = ZSTD_createDCtx ();
  self->in_buf = g_malloc (READ_SIZE);
  self->full = g_async_queue_new ();
  self->free = g_async_queue_new ();
  for (guint i = 0; i < N_CHUNKS; i++)
    {
      self->chunks[i].data = g_malloc (CHUNK_SIZE);
      g_async_queue_push (self->free, &self->chunks[i]);
    }

  if (!open_part (self, error))
    return FALSE;
  self->writer = g_thread_new ("dk-snapshot-writer", writer_thread, self);

  /* A file checked and left by a process that died before installing it: fetched
   * again (its sidecar is gone, so nothing says it is whole). */
  remove_database_files (self->done_path);
  load_sidecar (self);
  if (self->etag != NULL && is_refused (self, self->etag))
    forget_progress (self);

  return rewind_to_frame (self, error);
}

gboolean
_dk_sync_snapshot_download (SoupSession             *session,
                            const char              *server_url,
                            const char              *token,
                            const char              *replica_path,
                            DkSyncSnapshotProgress   progress,
                            gpointer                 user_data,
                            char                   **out_path,
                            DkStoreSnapshotInfo     *info,
                            GCancellable            *cancellable,
                            GError                 **error)
{
  g_auto(Download) self = { .fd = -1 };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *etag = NULL;

  g_return_val_if_fail (SOUP_IS_SESSION (session), FALSE);
  g_return_val_if_fail (server_url != NULL && *server_url != '\0', FALSE);
  g_return_val_if_fail (replica_path != NULL, FALSE);
  g_return_val_if_fail (out_path != NULL && info != NULL, FALSE);

  self.session = session;
  self.server_url = server_url;
  self.token = token;
  self.progress = progress;
  self.user_data = user_data;

  if (!download_setup (&self, replica_path, error))
    return FALSE;

  if (!fetch_all (&self, cancellable, &local_error))
    {
      /* A damaged file is forgotten; a cut or an offline server keeps it for later,
       * when a frame of it is whole (else there is nothing to resume from). */
      if (g_error_matches (local_error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT))
        {
          remember_refused (&self, self.etag);
          discard_partial (&self);
        }
      else if (self.frame_decoded == 0 || is_disk_full (local_error))
        {
          /* Nothing to resume from; or a full disk, which a kept part would keep full
           * (the paging after it, and anything else, needs the room). */
          discard_partial (&self);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  tell_progress (&self, self.encoded, TRUE);

  etag = g_strdup (self.etag);
  if (!finish_file (&self, &local_error) ||
      !dk_store_prepare_snapshot (self.done_path, info, &local_error))
    {
      g_debug ("Snapshot %s not used: %s", etag, local_error->message);
      discard_partial (&self);
      remove_database_files (self.done_path);
      /* A file that is not what it claims to be is not asked for again by this
       * process; a disk that failed us is not the server's fault. */
      if (g_error_matches (local_error, DK_STORE_ERROR, DK_STORE_ERROR_CORRUPT) ||
          g_error_matches (local_error, DK_STORE_ERROR, DK_STORE_ERROR_TOO_NEW))
        remember_refused (&self, etag);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  flush_checked_file (self.done_path);
  g_debug ("Snapshot %s of seq %" G_GINT64_FORMAT " (%" G_GUINT64_FORMAT " bytes) is ready",
           etag, info->seq, self.decoded);
  *out_path = g_strdup (self.done_path);
  return TRUE;
}

/**
 * _dk_sync_snapshot_discard:
 * @replica_path: the replica
 *
 * Deletes what a snapshot download left beside @replica_path (the part, its sidecar, a
 * checked file not installed), once the replica no longer needs it: it has a cursor and
 * no snapshot tail under way. A part another process is writing (locked) is left alone.
 */
void
_dk_sync_snapshot_discard (const char *replica_path)
{
  g_autofree char *part = g_strconcat (replica_path, ".snapshot.part", NULL);
  g_autofree char *sidecar = g_strconcat (replica_path, ".snapshot.json", NULL);
  g_autofree char *sidecar_new = g_strconcat (replica_path, ".snapshot.json.new", NULL);
  g_autofree char *done = g_strconcat (replica_path, ".snapshot.db", NULL);
  int fd;

  g_return_if_fail (replica_path != NULL);

  fd = g_open (part, O_RDWR | O_CLOEXEC, 0);
  if (fd >= 0)
    {
      if (flock (fd, LOCK_EX | LOCK_NB) != 0)
        {
          close (fd);
          return;
        }
      g_debug ("Deleting the snapshot download left beside %s", replica_path);
      g_unlink (sidecar);
      g_unlink (sidecar_new);
      g_unlink (part);
      close (fd);
    }
  else
    {
      g_unlink (sidecar);
      g_unlink (sidecar_new);
    }

  remove_database_files (done);
}
