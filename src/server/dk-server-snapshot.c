/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-server-snapshot.c: building, keeping and choosing replica snapshots
 *
 * A snapshot is a replica as a client would build it by paging /changes from 0, made
 * by the client's own store library (dk_store_apply_page_with_texts, then
 * dk_store_write_snapshot), so it has the client's schema, tokenizer and search texts
 * by construction. Both classes come from one read transaction, at one seq.
 *
 * The directory holds, per class, the files of at most two generations and one
 * manifest naming the current one and the one before:
 *
 *   anonymous.json                      {"seq":…, "file":"anonymous-120-…", "previous":{…}}
 *   anonymous-120-1765000000000000.db   the replica as written (VACUUM INTO)
 *   anonymous-120-1765000000000000.db.zst  the same in independent zstd frames
 *   .lock                               held (flock) by the one build at a time
 *
 * A new generation is written under names nobody reads yet, then the manifest is
 * renamed into place, then files of older generations are deleted. A response in flight
 * holds its file mapped, so the deletion never cuts it.
 */

#define G_LOG_DOMAIN "dk-server-snapshot"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <zlib.h>
#include <zstd.h>

#include "dk-error.h"
#include "dk-protocol.h"
#include "dk-server-db.h"
#include "dk-server-db-pg-private.h"
#include "dk-server-snapshot.h"
#include "dk-store.h"

/* Changes per page while filling a replica: as a client pulls. */
#define BUILD_PAGE_SIZE 2500
/* zstd: independent frames of this much input, so a client resumes at a frame. */
#define FRAME_INPUT (4 * 1024 * 1024)
#define ZSTD_LEVEL 3
/* The hour of the rebuild rule. */
#define STALE_AGE_S 3600

#define DEFAULT_MIN_INTERVAL_S 300
#define DEFAULT_CHECK_SECONDS 60

const char *
dk_server_snapshot_class_to_string (DkServerSnapshotClass klass)
{
  return klass == DK_SERVER_SNAPSHOT_STAFF ? DK_SNAPSHOT_CLASS_STAFF
                                           : DK_SNAPSHOT_CLASS_ANONYMOUS;
}

static void
snapshot_file_clear (gpointer data)
{
  DkServerSnapshotFile *file = data;

  g_clear_pointer (&file->bytes, g_bytes_unref);
  g_clear_pointer (&file->etag, g_free);
}

DkServerSnapshotFile *
dk_server_snapshot_file_ref (DkServerSnapshotFile *file)
{
  return g_atomic_rc_box_acquire (file);
}

void
dk_server_snapshot_file_unref (DkServerSnapshotFile *file)
{
  g_atomic_rc_box_release_full (file, snapshot_file_clear);
}

/* ---- manifests ---- */

/* One generation of one class, as its manifest tells it. */
typedef struct {
  char    *name;       /* the files' stem: <name>.db, <name>.db.zst */
  gint64   seq;
  int      schema;
  gint64   built_at;
  gint64   rows;       /* changes applied into the replica */
  gint64   db_rows;    /* objects in the server's database at seq */
  guint64  size;       /* .db */
  guint32  crc32;
  guint64  zst_size;   /* .db.zst */
  guint32  zst_crc32;
} Manifest;

static void
manifest_clear (Manifest *manifest)
{
  g_clear_pointer (&manifest->name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Manifest, manifest_clear)

static void
manifest_write (JsonBuilder          *builder,
                const Manifest       *manifest,
                DkServerSnapshotClass klass)
{
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, manifest->seq);
  json_builder_set_member_name (builder, "schema");
  json_builder_add_int_value (builder, manifest->schema);
  json_builder_set_member_name (builder, "class");
  json_builder_add_string_value (builder, dk_server_snapshot_class_to_string (klass));
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) manifest->size);
  json_builder_set_member_name (builder, "crc32");
  json_builder_add_int_value (builder, manifest->crc32);
  json_builder_set_member_name (builder, "zst_size");
  json_builder_add_int_value (builder, (gint64) manifest->zst_size);
  json_builder_set_member_name (builder, "zst_crc32");
  json_builder_add_int_value (builder, manifest->zst_crc32);
  json_builder_set_member_name (builder, "built_at");
  json_builder_add_int_value (builder, manifest->built_at);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, manifest->rows);
  json_builder_set_member_name (builder, "db_rows");
  json_builder_add_int_value (builder, manifest->db_rows);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, manifest->name);
}

static gboolean
manifest_read (JsonObject  *object,
               Manifest    *manifest,
               GError     **error)
{
  const char *members[] = { "seq", "schema", "size", "crc32", "zst_size", "zst_crc32",
                            "built_at", "rows", "file" };
  const char *name;

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (!json_object_has_member (object, members[i]))
      {
        g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                     _("The snapshot manifest has no “%s”"), members[i]);
        return FALSE;
      }

  name = json_object_get_string_member (object, "file");
  /* Only a bare name: a manifest never points out of its folder. */
  if (name == NULL || name[0] == '\0' || name[0] == '.' || strchr (name, '/') != NULL)
    {
      g_set_error_literal (error, DK_ERROR, DK_ERROR_STORAGE,
                           _("The snapshot manifest names no file of its folder"));
      return FALSE;
    }

  manifest->name = g_strdup (name);
  manifest->seq = json_object_get_int_member (object, "seq");
  manifest->schema = (int) json_object_get_int_member (object, "schema");
  manifest->size = (guint64) json_object_get_int_member (object, "size");
  manifest->crc32 = (guint32) json_object_get_int_member (object, "crc32");
  manifest->zst_size = (guint64) json_object_get_int_member (object, "zst_size");
  manifest->zst_crc32 = (guint32) json_object_get_int_member (object, "zst_crc32");
  manifest->built_at = json_object_get_int_member (object, "built_at");
  manifest->rows = json_object_get_int_member (object, "rows");
  manifest->db_rows = json_object_get_int_member_with_default (object, "db_rows", 0);
  return TRUE;
}

static char *
manifest_path (const char            *dir,
               DkServerSnapshotClass  klass)
{
  g_autofree char *file = g_strconcat (dk_server_snapshot_class_to_string (klass), ".json",
                                       NULL);

  return g_build_filename (dir, file, NULL);
}

/* Reads <class>.json of @dir: the current generation and, when kept, the one before.
 * FALSE without an error when there is none. */
static gboolean
manifests_load (const char             *dir,
                DkServerSnapshotClass   klass,
                Manifest               *current,
                Manifest               *previous,
                GError                **error)
{
  g_autofree char *path = manifest_path (dir, klass);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObject *object;
  JsonNode *root;

  if (!json_parser_load_from_mapped_file (parser, path, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("%s is not a snapshot manifest"), path);
      return FALSE;
    }
  object = json_node_get_object (root);
  if (!manifest_read (object, current, error))
    return FALSE;

  if (previous != NULL && json_object_has_member (object, "previous") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "previous")))
    {
      g_autoptr(GError) previous_error = NULL;

      /* A broken "previous" costs only resumes of the old generation. */
      if (!manifest_read (json_object_get_object_member (object, "previous"), previous,
                          &previous_error))
        g_debug ("%s: %s", path, previous_error->message);
    }

  return TRUE;
}

static gboolean
manifests_save (const char             *dir,
                DkServerSnapshotClass   klass,
                const Manifest         *current,
                const Manifest         *previous,
                GError                **error)
{
  g_autofree char *path = manifest_path (dir, klass);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  manifest_write (builder, current, klass);
  if (previous != NULL && previous->name != NULL)
    {
      json_builder_set_member_name (builder, "previous");
      json_builder_begin_object (builder);
      manifest_write (builder, previous, klass);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);

  /* Written beside it, synced and renamed over it: a reader sees one or the other. */
  return g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                   error);
}

/* ---- building ---- */

static gboolean set_io_error (GError     **error,
                              int          saved_errno,
                              const char  *format,
                              ...) G_GNUC_PRINTF (3, 4);

/* "<what it did>: <strerror>", as a G_IO_ERROR of @saved_errno. */
static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *format,
              ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), "%s: %s", what,
               g_strerror (saved_errno));
  return FALSE;
}

static void
remove_replica_files (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", file, g_strerror (errno));
    }
}

static gboolean
fsync_dir (const char  *dir,
           GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      return set_io_error (error, saved_errno, _("Could not sync the folder %s"), dir);
    }
  close (fd);
  return TRUE;
}

/* One page of /changes, parsed, with its cases' search texts: what the reader thread
 * hands the applier. */
typedef struct {
  DkJsonDoc          *doc;
  DkStoreSearchTexts *texts;
  guint               changes;    /* the index of the "changes" array */
  gint64              last_seq;
  gboolean            more;
  GError             *error;      /* the reader failed: the last page */
} FillPage;

static void
fill_page_free (gpointer data)
{
  FillPage *page = data;

  g_clear_pointer (&page->texts, dk_store_search_texts_free);
  g_clear_pointer (&page->doc, dk_json_doc_free);
  g_clear_error (&page->error);
  g_free (page);
}

/* Filling one replica: a reader thread pages /changes, parses and builds the search
 * texts while this thread applies the page before, as a client's pull overlaps them.
 * At most FILL_AHEAD pages wait. */
#define FILL_AHEAD 2

typedef struct {
  DkServerDb     *db;          /* used by the reader alone while it runs */
  const DkViewer *viewer;
  GAsyncQueue    *pages;       /* FillPage: reader → applier */
  GAsyncQueue    *slots;       /* free places: applier → reader */
  gint            stop;        /* atomic: the applier is done or gave up */
} Fill;

#define FILL_SLOT GINT_TO_POINTER (1)

static FillPage *
read_page (Fill   *fill,
           gint64  since)
{
  FillPage *page = g_new0 (FillPage, 1);
  g_autoptr(GBytes) body = NULL;
  guint last_seq, more;

  body = dk_server_db_changes_json (fill->db, since, BUILD_PAGE_SIZE, fill->viewer,
                                    &page->error);
  if (body == NULL)
    return page;
  page->doc = dk_json_doc_parse (body, &page->error);
  if (page->doc == NULL)
    return page;

  /* Our own JSON: these are there. */
  page->changes = dk_json_doc_member (page->doc, 0, "changes");
  last_seq = dk_json_doc_member (page->doc, 0, "last_seq");
  more = dk_json_doc_member (page->doc, 0, "more");
  g_assert (page->changes != DK_JSON_DOC_NONE && last_seq != DK_JSON_DOC_NONE &&
            more != DK_JSON_DOC_NONE);
  page->last_seq = dk_json_doc_get (page->doc, last_seq)->v.integer;
  page->more = dk_json_doc_get (page->doc, more)->type == DK_JSON_DOC_TRUE;
  g_assert (!page->more || page->last_seq > since);

  page->texts = dk_store_search_texts_new (page->doc, page->changes);
  return page;
}

static gpointer
read_pages_thread (gpointer data)
{
  Fill *fill = data;
  gint64 since = 0;

  for (;;)
    {
      FillPage *page;
      gboolean last;

      g_async_queue_pop (fill->slots);
      if (g_atomic_int_get (&fill->stop))
        break;

      page = read_page (fill, since);
      last = page->error != NULL || !page->more;
      since = page->last_seq;
      g_async_queue_push (fill->pages, page);
      if (last)
        break;
    }

  return NULL;
}

/* Pages the changes @viewer sees, from 0, into @store, as a client's first sync does:
 * the same JSON, parsed and applied by the same code. */
static gboolean
fill_replica (DkServerDb      *db,
              DkStore         *store,
              const DkViewer  *viewer,
              gint64          *rows,
              GCancellable    *cancellable,
              GError         **error)
{
  Fill fill = { db, viewer, NULL, NULL, 0 };
  GThread *reader;
  gboolean ok = FALSE;

  fill.pages = g_async_queue_new_full (fill_page_free);
  fill.slots = g_async_queue_new ();
  for (guint i = 0; i < FILL_AHEAD; i++)
    g_async_queue_push (fill.slots, FILL_SLOT);

  reader = g_thread_try_new ("dk-snapshot-read", read_pages_thread, &fill, error);
  if (reader == NULL)
    goto out;

  for (;;)
    {
      FillPage *page = g_async_queue_pop (fill.pages);
      gboolean more = page->more;

      if (page->error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&page->error));
          fill_page_free (page);
          break;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !dk_store_apply_page_with_texts (store, page->doc, page->changes, page->last_seq,
                                           page->texts, error))
        {
          fill_page_free (page);
          break;
        }
      *rows += dk_json_doc_get (page->doc, page->changes)->count;
      fill_page_free (page);

      if (!more)
        {
          ok = TRUE;
          break;
        }
      g_async_queue_push (fill.slots, FILL_SLOT);
    }

  /* A reader waiting for a slot wakes, sees stop and ends; one reading ends after
   * this page (freed with the queue). */
  g_atomic_int_set (&fill.stop, 1);
  g_async_queue_push (fill.slots, FILL_SLOT);
  g_thread_join (reader);

out:
  g_async_queue_unref (fill.pages);
  g_async_queue_unref (fill.slots);
  return ok;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* Reads up to @length bytes, fewer only at the end of the file; -1 on an error. */
static gssize
read_full (int     fd,
           guint8 *data,
           gsize   length)
{
  gsize done = 0;

  while (done < length)
    {
      ssize_t n = read (fd, data + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

/* Compresses @src into @dest as independent zstd frames of FRAME_INPUT bytes of input
 * each (with the content size and a checksum in each), so that a client can stop and
 * resume decoding at any frame; CRC-32 and size of both on the way. */
static gboolean
compress_file (const char    *src,
               const char    *dest,
               Manifest      *manifest,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree guint8 *in = g_malloc (FRAME_INPUT);
  gsize out_capacity = ZSTD_compressBound (FRAME_INPUT);
  g_autofree guint8 *out = g_malloc (out_capacity);
  ZSTD_CCtx *cctx = ZSTD_createCCtx ();
  gboolean ok = FALSE;
  uLong crc = crc32_z (0L, Z_NULL, 0);
  uLong zst_crc = crc;
  guint64 size = 0;
  guint64 zst_size = 0;
  int in_fd = -1;
  int out_fd = -1;

  ZSTD_CCtx_setParameter (cctx, ZSTD_c_compressionLevel, ZSTD_LEVEL);
  ZSTD_CCtx_setParameter (cctx, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter (cctx, ZSTD_c_contentSizeFlag, 1);

  in_fd = g_open (src, O_RDONLY | O_CLOEXEC, 0);
  if (in_fd < 0)
    {
      set_io_error (error, errno, _("Could not read %s"), src);
      goto out;
    }
  out_fd = g_open (dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (out_fd < 0)
    {
      set_io_error (error, errno, _("Could not create %s"), dest);
      goto out;
    }

  for (;;)
    {
      gssize n = read_full (in_fd, in, FRAME_INPUT);
      gsize frame;

      if (n < 0)
        {
          set_io_error (error, errno, _("Could not read %s"), src);
          goto out;
        }
      if (n == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      crc = crc32_z (crc, in, (z_size_t) n);
      size += (guint64) n;

      /* One call, one frame: compress2 knows the whole input, so the frame header
       * carries its content size. */
      frame = ZSTD_compress2 (cctx, out, out_capacity, in, (gsize) n);
      if (ZSTD_isError (frame))
        {
          g_set_error (error, DK_ERROR, DK_ERROR_STORAGE, _("Could not compress %s: %s"),
                       src, ZSTD_getErrorName (frame));
          goto out;
        }
      zst_crc = crc32_z (zst_crc, out, frame);
      zst_size += frame;
      if (!write_all (out_fd, out, frame))
        {
          set_io_error (error, errno, _("Could not write %s"), dest);
          goto out;
        }

      if ((gsize) n < FRAME_INPUT)
        break;
    }

  if (fsync (out_fd) != 0)
    {
      set_io_error (error, errno, _("Could not write %s"), dest);
      goto out;
    }

  manifest->size = size;
  manifest->crc32 = (guint32) crc;
  manifest->zst_size = zst_size;
  manifest->zst_crc32 = (guint32) zst_crc;
  ok = TRUE;

out:
  if (in_fd >= 0)
    close (in_fd);
  if (out_fd >= 0)
    close (out_fd);
  ZSTD_freeCCtx (cctx);
  return ok;
}

static char *
build_path (const char *dir,
            const char *name,
            const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);

  return g_build_filename (dir, file, NULL);
}

static char *
work_path (const char            *dir,
           DkServerSnapshotClass  klass,
           const char            *suffix)
{
  g_autofree char *work = g_strconcat (".build-", dk_server_snapshot_class_to_string (klass),
                                       NULL);

  return build_path (dir, work, suffix);
}

/* The first half of one class: a fresh replica filled with what the class sees,
 * written as a snapshot (.build-<class>.db). Needs the read transaction. */
static gboolean
write_class (DkServerDb             *db,
             const char             *dir,
             DkServerSnapshotClass   klass,
             Manifest               *manifest,
             GCancellable           *cancellable,
             GError                **error)
{
  static const DkViewer staff = { NULL, DK_ROLE_STAFF };
  const char *class_name = dk_server_snapshot_class_to_string (klass);
  g_autofree char *replica = work_path (dir, klass, ".replica.db");
  g_autofree char *db_tmp = work_path (dir, klass, ".db");
  g_autoptr(DkStore) store = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 filled = 0;
  gboolean ok = FALSE;

  store = dk_store_open (replica, error);
  if (store == NULL)
    goto out;
  if (!fill_replica (db, store,
                     klass == DK_SERVER_SNAPSHOT_STAFF ? &staff : NULL,
                     &manifest->rows, cancellable, error))
    goto out;
  filled = g_get_monotonic_time ();
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !dk_store_write_snapshot (store, class_name, manifest->seq, db_tmp, error))
    goto out;

  g_debug ("Wrote the %s snapshot at seq %" G_GINT64_FORMAT ": %" G_GINT64_FORMAT
           " changes, filled in %.2f s, written in %.2f s", class_name, manifest->seq,
           manifest->rows, (double) (filled - start) / G_USEC_PER_SEC,
           (double) (g_get_monotonic_time () - filled) / G_USEC_PER_SEC);
  ok = TRUE;

out:
  g_clear_object (&store);
  remove_replica_files (replica);
  if (!ok)
    g_unlink (db_tmp);
  return ok;
}

/* The second half: the CRC-32 and the zstd frames, then both files under their
 * generation's names. Needs no database: it runs in a thread of its own while the next
 * class is filled, which keeps a second core busy. */
typedef struct {
  const char            *dir;
  DkServerSnapshotClass  klass;
  Manifest              *manifest;
  GCancellable          *cancellable;
  GError                *error;
} Finish;

static gboolean
finish_class (Finish   *finish,
              GError  **error)
{
  Manifest *manifest = finish->manifest;
  g_autofree char *db_tmp = work_path (finish->dir, finish->klass, ".db");
  g_autofree char *zst_tmp = work_path (finish->dir, finish->klass, ".db.zst");
  g_autofree char *db_final = build_path (finish->dir, manifest->name, ".db");
  g_autofree char *zst_final = build_path (finish->dir, manifest->name, ".db.zst");
  gint64 start = g_get_monotonic_time ();
  gboolean ok = FALSE;

  if (!compress_file (db_tmp, zst_tmp, manifest, finish->cancellable, error))
    goto out;
  if (g_rename (db_tmp, db_final) != 0)
    {
      set_io_error (error, errno, _("Could not rename the snapshot to %s"), db_final);
      goto out;
    }
  if (g_rename (zst_tmp, zst_final) != 0)
    {
      set_io_error (error, errno, _("Could not rename the snapshot to %s"), zst_final);
      g_unlink (db_final);
      goto out;
    }

  g_debug ("Compressed the %s snapshot: %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT
           " compressed, in %.2f s", dk_server_snapshot_class_to_string (finish->klass),
           manifest->size, manifest->zst_size,
           (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
  ok = TRUE;

out:
  g_unlink (db_tmp);
  g_unlink (zst_tmp);
  return ok;
}

static gpointer
finish_class_thread (gpointer data)
{
  Finish *finish = data;

  finish_class (finish, &finish->error);
  return NULL;
}

/* Deletes the files of @klass's generations other than @keep and @keep_too, and what
 * an interrupted build left (.build-*). Only under the build lock. */
static void
prune_dir (const char            *dir,
           DkServerSnapshotClass  klass,
           const char            *keep,
           const char            *keep_too)
{
  g_autofree char *prefix = g_strconcat (dk_server_snapshot_class_to_string (klass), "-",
                                         NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;

  if (listing == NULL)
    return;

  while ((entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *stem = NULL;
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (entry, prefix))
        continue;
      if (g_str_has_suffix (entry, ".db.zst"))
        stem = g_strndup (entry, strlen (entry) - strlen (".db.zst"));
      else if (g_str_has_suffix (entry, ".db"))
        stem = g_strndup (entry, strlen (entry) - strlen (".db"));
      else
        continue;
      if (g_strcmp0 (stem, keep) == 0 || g_strcmp0 (stem, keep_too) == 0)
        continue;

      path = g_build_filename (dir, entry, NULL);
      g_debug ("Removing the old snapshot %s", path);
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
    }
}

static void
remove_leftovers (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;

  while (listing != NULL && (entry = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;

      if (!g_str_has_prefix (entry, ".build-"))
        continue;
      path = g_build_filename (dir, entry, NULL);
      g_unlink (path);
    }
}

/* The new generation of @klass becomes the current one, the current one the previous;
 * then what is older goes. */
static gboolean
publish_class (const char             *dir,
               DkServerSnapshotClass   klass,
               const Manifest         *manifest,
               GError                **error)
{
  g_auto(Manifest) old = { NULL, };
  g_autoptr(GError) load_error = NULL;

  if (!manifests_load (dir, klass, &old, NULL, &load_error) && load_error != NULL)
    g_warning ("The snapshot before is not kept: %s", load_error->message);

  if (!manifests_save (dir, klass, manifest, &old, error) || !fsync_dir (dir, error))
    return FALSE;

  prune_dir (dir, klass, manifest->name, old.name);
  return TRUE;
}

/* Takes the folder's build lock (flock, so it goes with the process): one build at a
 * time, also between `serve` and `driftkoll-server snapshot`. With @wait it waits for
 * a build in progress (the command: its caller wants a build of the database as it is
 * now); without, that is G_IO_ERROR_BUSY (serve's builder: the other one will do). */
static int
lock_dir (const char  *dir,
          gboolean     wait,
          GError     **error)
{
  g_autofree char *path = g_build_filename (dir, ".lock", NULL);
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  int rc;

  if (fd < 0)
    {
      set_io_error (error, errno, _("Could not open %s"), path);
      return -1;
    }

  do
    rc = flock (fd, wait ? LOCK_EX : LOCK_EX | LOCK_NB);
  while (rc != 0 && errno == EINTR);

  if (rc != 0)
    {
      int saved_errno = errno;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                       _("Another snapshot is being built in %s"), dir);
          return -1;
        }
      set_io_error (error, saved_errno, _("Could not lock %s"), path);
      return -1;
    }
  return fd;
}

static gboolean
build_with_db (DkServerDb    *db,
               const char    *dir,
               gboolean       wait,
               GCancellable  *cancellable,
               GError       **error)
{
  static const DkServerSnapshotClass order[] = {
    DK_SERVER_SNAPSHOT_STAFF, DK_SERVER_SNAPSHOT_ANONYMOUS
  };
  Manifest manifests[DK_SERVER_SNAPSHOT_N_CLASSES] = { { NULL, }, };
  Finish finishes[DK_SERVER_SNAPSHOT_N_CLASSES] = { { NULL, }, };
  GThread *finishing[DK_SERVER_SNAPSHOT_N_CLASSES] = { NULL, };
  gboolean write_failed = FALSE;
  gboolean all_done;
  gint64 stamp = g_get_real_time ();
  gint64 seq, db_rows;
  gboolean ok = FALSE;
  int lock_fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    return set_io_error (error, errno, _("Could not create the folder %s"), dir);

  lock_fd = lock_dir (dir, wait, error);
  if (lock_fd < 0)
    return FALSE;
  remove_leftovers (dir);

  /* One read transaction: both classes see the database of one moment, at one seq,
   * while the server goes on committing. */
  if (!dk_server_db_begin_read (db, error))
    goto out;
  seq = dk_server_db_last_seq (db);
  db_rows = dk_server_db_count_since (db, 0, error);
  if (db_rows < 0)
    {
      dk_server_db_end_read (db);
      goto out;
    }

  /* The largest first: its compression then overlaps the other's filling. */
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    {
      DkServerSnapshotClass klass = order[i];
      Manifest *manifest = &manifests[klass];

      manifest->name = g_strdup_printf ("%s-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
                                        dk_server_snapshot_class_to_string (klass), seq, stamp);
      manifest->seq = seq;
      manifest->schema = DK_STORE_SCHEMA_VERSION;
      manifest->built_at = stamp / G_USEC_PER_SEC;
      manifest->db_rows = db_rows;
      if (!write_class (db, dir, klass, manifest, cancellable, error))
        {
          write_failed = TRUE;   /* @error is set */
          break;
        }

      finishes[klass] = (Finish) { dir, klass, manifest, cancellable, NULL };
      finishing[klass] = g_thread_try_new ("dk-snapshot-zstd", finish_class_thread,
                                           &finishes[klass], &finishes[klass].error);
    }
  dk_server_db_end_read (db);

  /* Every class compressed and under its name, or the first error. */
  all_done = !write_failed;
  for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES; klass++)
    {
      if (finishing[klass] != NULL)
        g_thread_join (finishing[klass]);
      if (finishes[klass].error != NULL)
        {
          if (all_done)
            g_propagate_error (error, g_steal_pointer (&finishes[klass].error));
          g_clear_error (&finishes[klass].error);
          all_done = FALSE;
        }
    }
  if (!all_done)
    goto out;

  for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES; klass++)
    if (!publish_class (dir, klass, &manifests[klass], error))
      goto out;
  ok = TRUE;

out:
  if (!ok)
    {
      /* A class built but not published is nobody's. No thread of this build runs. */
      remove_leftovers (dir);
      for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES; klass++)
        {
          g_auto(Manifest) current = { NULL, };
          g_auto(Manifest) previous = { NULL, };

          if (manifests[klass].name == NULL)
            continue;
          manifests_load (dir, klass, &current, &previous, NULL);
          prune_dir (dir, klass, current.name, previous.name);
        }
    }
  close (lock_fd);   /* drops the lock */
  for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES; klass++)
    manifest_clear (&manifests[klass]);
  return ok;
}

/**
 * dk_server_snapshot_build:
 * @db_path: the server's database (must exist)
 * @dir: the snapshot folder, made when missing
 * @error: return location for a #GError
 *
 * Builds a snapshot of every class at one seq on a connection of its own, keeping the
 * generation before. A build in progress in the folder (serve's, another command's) is
 * waited for first.
 *
 * Returns: %TRUE when the new generation is the current one
 */
gboolean
dk_server_snapshot_build (const char  *db_path,
                          const char  *dir,
                          GError     **error)
{
  g_autoptr(DkServerDb) db = NULL;

  g_return_val_if_fail (db_path != NULL, FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A PostgreSQL location is no file; opening it says whether it is there. */
  if (!_dk_server_db_location_is_pg (db_path) && !g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *display = g_filename_display_name (db_path);

      g_set_error (error, DK_ERROR, DK_ERROR_NOT_FOUND, _("There is no database at %s"),
                   display);
      return FALSE;
    }

  db = dk_server_db_open (db_path, error);
  if (db == NULL)
    return FALSE;

  return build_with_db (db, dir, TRUE, NULL, error);
}

/**
 * dk_server_snapshot_is_stale:
 * @have: whether there is a snapshot
 * @rows: objects in the database now
 * @changed: objects written since the snapshot's seq
 * @age_s: seconds since the snapshot was built
 * @min_interval_s: the least time between two builds
 *
 * The rebuild rule (PLAN.md §3): with none, build as soon as there is anything; else
 * when 5 % of the rows changed, or anything did and the snapshot is an hour old; never
 * sooner than @min_interval_s after the last build. A client installing an older
 * snapshot pulls more of the tail, which is always correct, only slower.
 *
 * Returns: whether to build now
 */
gboolean
dk_server_snapshot_is_stale (gboolean have,
                             gint64   rows,
                             gint64   changed,
                             gint64   age_s,
                             gint64   min_interval_s)
{
  if (!have)
    return rows > 0;
  if (age_s < min_interval_s || changed <= 0)
    return FALSE;
  return changed * 20 >= rows || age_s >= STALE_AGE_S;
}

/* ---- DkServerSnapshots ---- */

enum { REP_ZSTD, REP_SQLITE, N_REPS };

/* One generation of one class, mapped, in both representations. */
typedef struct {
  DkServerSnapshotFile *files[N_REPS];
} Generation;

static void
generation_clear (Generation *generation)
{
  for (guint i = 0; i < N_REPS; i++)
    g_clear_pointer (&generation->files[i], dk_server_snapshot_file_unref);
}

/* Everything loaded from the folder at one time. */
typedef struct {
  Generation current[DK_SERVER_SNAPSHOT_N_CLASSES];
  Generation previous[DK_SERVER_SNAPSHOT_N_CLASSES];
  gboolean   have;       /* a current generation of every class */
  gint64     seq;        /* the oldest of them */
  gint64     built_at;
  gint64     db_rows;
  char      *names[DK_SERVER_SNAPSHOT_N_CLASSES];   /* the current manifests' "file" */
} Loaded;

static void
loaded_clear (Loaded *loaded)
{
  for (guint i = 0; i < DK_SERVER_SNAPSHOT_N_CLASSES; i++)
    {
      generation_clear (&loaded->current[i]);
      generation_clear (&loaded->previous[i]);
      g_clear_pointer (&loaded->names[i], g_free);
    }
}

struct _DkServerSnapshots
{
  GObject parent_instance;

  /* set at construction */
  char         *db_path;
  char         *dir;
  gint64        min_interval_s;
  guint         check_seconds;
  GMainContext *context;
  GSource      *timer;
  gboolean      awake;          /* the timer ticked once: checks may start builds */

  /* the builder thread: started and joined on the owner's context */
  GThread      *builder;
  gint          building;       /* atomic: the builder runs */
  GCancellable *cancellable;    /* dispose stops a build */
  DkServerDb   *check_db;       /* the builder's own connection (only the builder uses it) */

  /* under lock: what is served, swapped by the builder, and when it last built */
  GMutex        lock;
  Loaded        loaded;
  gint64        last_attempt;   /* monotonic µs of the last build begun; 0 none */
};

G_DEFINE_FINAL_TYPE (DkServerSnapshots, dk_server_snapshots, G_TYPE_OBJECT)

static DkServerSnapshotFile *
snapshot_file_new (const char             *dir,
                   DkServerSnapshotClass   klass,
                   const Manifest         *manifest,
                   guint                   rep,
                   GError                **error)
{
  g_autofree char *path = build_path (dir, manifest->name, rep == REP_ZSTD ? ".db.zst" : ".db");
  guint64 expected = rep == REP_ZSTD ? manifest->zst_size : manifest->size;
  guint32 crc = rep == REP_ZSTD ? manifest->zst_crc32 : manifest->crc32;
  g_autoptr(GMappedFile) mapped = NULL;
  DkServerSnapshotFile *file;

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  if ((guint64) g_mapped_file_get_length (mapped) != expected)
    {
      g_set_error (error, DK_ERROR, DK_ERROR_STORAGE,
                   _("%s has %llu bytes, its manifest says %llu"), path,
                   (unsigned long long) g_mapped_file_get_length (mapped),
                   (unsigned long long) expected);
      return NULL;
    }

  file = g_atomic_rc_box_new0 (DkServerSnapshotFile);
  file->klass = klass;
  file->seq = manifest->seq;
  file->schema = manifest->schema;
  file->built_at = manifest->built_at;
  file->rows = manifest->rows;
  file->bytes = g_mapped_file_get_bytes (mapped);
  file->content_type = rep == REP_ZSTD ? DK_SNAPSHOT_TYPE_ZSTD : DK_SNAPSHOT_TYPE_SQLITE;
  /* Strong: the crc of the very bytes, so two generations (or two servers' builds of
   * one seq) never share one. */
  file->etag = g_strdup_printf ("\"%s-%" G_GINT64_FORMAT "-%d-%s-%08x\"",
                                dk_server_snapshot_class_to_string (klass), manifest->seq,
                                manifest->schema, rep == REP_ZSTD ? "zst" : "db", crc);
  file->size = manifest->size;
  file->crc32 = manifest->crc32;
  return file;
}

static void
generation_load (Generation             *generation,
                 const char             *dir,
                 DkServerSnapshotClass   klass,
                 const Manifest         *manifest)
{
  for (guint rep = 0; rep < N_REPS; rep++)
    {
      g_autoptr(GError) error = NULL;

      generation->files[rep] = snapshot_file_new (dir, klass, manifest, rep, &error);
      if (generation->files[rep] == NULL)
        g_warning ("A snapshot is not served: %s", error->message);
    }
}

/* Maps what the manifests of @dir name. */
static void
loaded_read (Loaded     *loaded,
             const char *dir)
{
  loaded->have = TRUE;
  loaded->seq = G_MAXINT64;
  loaded->built_at = G_MAXINT64;

  for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES; klass++)
    {
      g_auto(Manifest) current = { NULL, };
      g_auto(Manifest) previous = { NULL, };
      g_autoptr(GError) error = NULL;

      if (!manifests_load (dir, klass, &current, &previous, &error))
        {
          if (error != NULL)
            g_warning ("%s", error->message);
          loaded->have = FALSE;
          continue;
        }
      if (current.schema > DK_STORE_SCHEMA_VERSION)
        {
          /* Built by a newer server beside this one: not ours to serve or to judge. */
          loaded->have = FALSE;
          continue;
        }

      loaded->names[klass] = g_strdup (current.name);
      generation_load (&loaded->current[klass], dir, klass, &current);
      if (previous.name != NULL && previous.schema <= DK_STORE_SCHEMA_VERSION)
        generation_load (&loaded->previous[klass], dir, klass, &previous);
      if (loaded->current[klass].files[REP_ZSTD] == NULL ||
          loaded->current[klass].files[REP_SQLITE] == NULL)
        loaded->have = FALSE;

      loaded->seq = MIN (loaded->seq, current.seq);
      loaded->built_at = MIN (loaded->built_at, current.built_at);
      loaded->db_rows = MAX (loaded->db_rows, current.db_rows);
    }

  if (!loaded->have)
    loaded->seq = loaded->built_at = 0;
}

/* Makes what the folder holds now the served set. Any thread. */
static void
reload (DkServerSnapshots *self)
{
  Loaded fresh = { 0, };

  loaded_read (&fresh, self->dir);

  g_mutex_lock (&self->lock);
  {
    Loaded old = self->loaded;

    self->loaded = fresh;
    fresh = old;
  }
  g_mutex_unlock (&self->lock);

  /* Files in flight keep their own references. */
  loaded_clear (&fresh);
}

/* Whether the manifests of the folder name other files than those served: another
 * process (`driftkoll-server snapshot`) built a generation. */
static gboolean
folder_changed (DkServerSnapshots *self)
{
  gboolean changed = FALSE;

  for (guint klass = 0; klass < DK_SERVER_SNAPSHOT_N_CLASSES && !changed; klass++)
    {
      g_auto(Manifest) current = { NULL, };

      manifests_load (self->dir, klass, &current, NULL, NULL);
      g_mutex_lock (&self->lock);
      changed = g_strcmp0 (current.name, self->loaded.names[klass]) != 0;
      g_mutex_unlock (&self->lock);
    }

  return changed;
}

/* In the builder: whether the rule says to build, from counts on its own connection. */
static gboolean
builder_wants_build (DkServerSnapshots *self)
{
  g_autoptr(GError) error = NULL;
  gboolean have;
  gint64 seq, built_at, rows, changed = 0;

  if (self->check_db == NULL)
    {
      self->check_db = dk_server_db_open (self->db_path, &error);
      if (self->check_db == NULL)
        {
          g_warning ("Cannot check the snapshots: %s", error->message);
          return FALSE;
        }
    }

  g_mutex_lock (&self->lock);
  have = self->loaded.have;
  seq = self->loaded.seq;
  built_at = self->loaded.built_at;
  g_mutex_unlock (&self->lock);

  /* A database restored from a backup is behind its snapshots: they hold changes it
   * no longer has, and a client's tail would never reach their seq. */
  if (have && dk_server_db_last_seq (self->check_db) < seq)
    {
      g_message ("The snapshots (seq %" G_GINT64_FORMAT ") are ahead of the database; "
                 "building new ones", seq);
      return TRUE;
    }

  rows = dk_server_db_count_since (self->check_db, 0, &error);
  if (rows >= 0 && have)
    changed = dk_server_db_count_since (self->check_db, seq, &error);
  if (rows < 0 || changed < 0)
    {
      g_warning ("Cannot check the snapshots: %s", error->message);
      return FALSE;
    }

  return dk_server_snapshot_is_stale (have, rows, changed,
                                      g_get_real_time () / G_USEC_PER_SEC - built_at,
                                      self->min_interval_s);
}

static void
lower_priority (void)
{
  /* Linux nices threads one by one: only this one yields to the request handlers. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), 10) != 0)
    g_debug ("Could not lower the snapshot builder's priority: %s", g_strerror (errno));
}

static gpointer
builder_thread (gpointer data)
{
  /* No reference: dispose joins this thread before anything of self goes. */
  DkServerSnapshots *self = data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  /* The stores opened here queue nothing on the server's context. */
  g_main_context_push_thread_default (context);
  lower_priority ();

  if (folder_changed (self))
    {
      g_debug ("Serving the snapshots another process built in %s", self->dir);
      reload (self);
    }

  if (builder_wants_build (self))
    {
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      g_mutex_lock (&self->lock);
      self->last_attempt = start;
      g_mutex_unlock (&self->lock);

      if (build_with_db (self->check_db, self->dir, FALSE, self->cancellable, &error))
        {
          reload (self);
          g_message ("Built the snapshots in %.1f s",
                     (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC);
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BUSY))
        {
          g_debug ("%s", error->message);
          reload (self);   /* the other build's, when it is done */
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not build the snapshots: %s", error->message);
        }
    }

  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&self->building, FALSE);
  return NULL;
}

/* Starts the builder, which checks the rule and builds when it says so. Only on the
 * owner's context; never waits for a build. */
static void
maybe_start (DkServerSnapshots *self)
{
  g_autoptr(GError) error = NULL;
  gint64 last_attempt;

  /* Not before the first tick: a server that has just started answers its first
   * requests (clients coming back after a restart) first, and a short-lived one (a
   * test's) builds nothing it was not asked for. */
  if (!self->awake)
    return;

  if (self->builder != NULL)
    {
      if (g_atomic_int_get (&self->building))
        return;   /* one build at a time */
      g_thread_join (g_steal_pointer (&self->builder));   /* done: returns at once */
    }

  g_mutex_lock (&self->lock);
  last_attempt = self->last_attempt;
  g_mutex_unlock (&self->lock);
  /* Also after a failed build: a full disk is not retried on every commit. */
  if (last_attempt != 0 &&
      g_get_monotonic_time () - last_attempt < self->min_interval_s * G_USEC_PER_SEC)
    return;

  g_atomic_int_set (&self->building, TRUE);
  self->builder = g_thread_try_new ("dk-snapshot", builder_thread, self, &error);
  if (self->builder == NULL)
    {
      g_atomic_int_set (&self->building, FALSE);
      g_warning ("Could not start the snapshot builder: %s", error->message);
    }
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  DkServerSnapshots *self = user_data;

  self->awake = TRUE;
  maybe_start (self);
  return G_SOURCE_CONTINUE;
}

static void
dk_server_snapshots_dispose (GObject *object)
{
  DkServerSnapshots *self = (DkServerSnapshots *) object;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
  /* A build in progress stops at its next page or frame. */
  g_cancellable_cancel (self->cancellable);
  if (self->builder != NULL)
    g_thread_join (g_steal_pointer (&self->builder));
  g_clear_object (&self->check_db);

  G_OBJECT_CLASS (dk_server_snapshots_parent_class)->dispose (object);
}

static void
dk_server_snapshots_finalize (GObject *object)
{
  DkServerSnapshots *self = (DkServerSnapshots *) object;

  loaded_clear (&self->loaded);
  g_mutex_clear (&self->lock);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->db_path, g_free);
  g_clear_pointer (&self->dir, g_free);

  G_OBJECT_CLASS (dk_server_snapshots_parent_class)->finalize (object);
}

static void
dk_server_snapshots_class_init (DkServerSnapshotsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = dk_server_snapshots_dispose;
  object_class->finalize = dk_server_snapshots_finalize;
}

static void
dk_server_snapshots_init (DkServerSnapshots *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
}

static gint64
env_seconds (const char *name,
             gint64      fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || text[0] == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &value, NULL))
    {
      g_warning ("%s=%s is not a number of seconds; using %" G_GINT64_FORMAT,
                 name, text, fallback);
      return fallback;
    }
  return (gint64) value;
}

/**
 * dk_server_snapshot_clear:
 * @dir: a snapshot folder
 * @n_removed: (out): how many files it removed
 * @error: where an unremovable file is told
 *
 * Removes the snapshots of @dir, the manifests first so that a reader never finds one
 * naming a file already gone (`restore`: none may outlive the database they were built
 * from). The folder itself stays, with its owner and mode; a missing folder is empty.
 *
 * Returns: %FALSE with @error set when a file could not be removed
 */
gboolean
dk_server_snapshot_clear (const char  *dir,
                          guint       *n_removed,
                          GError     **error)
{
  g_autoptr(GDir) folder = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  *n_removed = 0;
  folder = g_dir_open (dir, 0, &local_error);
  if (folder == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  /* The manifests first: a reader never finds one naming a file already gone. */
  while ((name = g_dir_read_name (folder)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_equal (name, ".lock") || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (!g_str_has_suffix (name, ".json"))
        {
          g_ptr_array_add (later, g_steal_pointer (&path));
          continue;
        }
      if (g_unlink (path) != 0)
        return set_io_error (error, errno, _("Could not remove the old snapshot %s"), path);
      (*n_removed)++;
    }
  for (guint i = 0; i < later->len; i++)
    {
      if (g_unlink (later->pdata[i]) != 0)
        return set_io_error (error, errno, _("Could not remove the old snapshot %s"),
                             (const char *) later->pdata[i]);
      (*n_removed)++;
    }
  return TRUE;
}

/**
 * dk_server_snapshot_default_dir:
 * @db_path: a SQLite database file
 *
 * Returns: (transfer full): the snapshot folder of @db_path when none is named,
 *   "<db_path>.snapshots"
 */
char *
dk_server_snapshot_default_dir (const char *db_path)
{
  return g_strconcat (db_path, ".snapshots", NULL);
}

/**
 * dk_server_snapshots_new:
 * @db_path: the server's database
 * @dir: (nullable): the snapshot folder; %NULL: "<db_path>.snapshots"
 * @error: return location for a #GError
 *
 * Serves the newest snapshots of @dir and keeps them fresh: the rule is checked in a
 * thread of its own when note_seq () hears of enough commits, and every
 * DRIFTKOLL_SNAPSHOT_CHECK_SECONDS (60) on the thread-default main context; builds are
 * at least DRIFTKOLL_SNAPSHOT_MIN_INTERVAL (300) seconds apart. Nothing is checked
 * before the timer's first tick, which builds the first snapshot of a database that has
 * rows and none.
 *
 * Returns: (transfer full) (nullable): the snapshots, or %NULL when @dir cannot be made
 */
DkServerSnapshots *
dk_server_snapshots_new (const char  *db_path,
                         const char  *dir,
                         GError     **error)
{
  g_autoptr(DkServerSnapshots) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (DK_TYPE_SERVER_SNAPSHOTS, NULL);
  self->db_path = g_strdup (db_path);
  self->dir = dir != NULL ? g_strdup (dir) : dk_server_snapshot_default_dir (db_path);
  self->min_interval_s = env_seconds ("DRIFTKOLL_SNAPSHOT_MIN_INTERVAL",
                                      DEFAULT_MIN_INTERVAL_S);
  self->check_seconds = (guint) MAX (1, env_seconds ("DRIFTKOLL_SNAPSHOT_CHECK_SECONDS",
                                                     DEFAULT_CHECK_SECONDS));
  self->context = g_main_context_ref_thread_default ();

  if (g_mkdir_with_parents (self->dir, 0755) != 0)
    {
      set_io_error (error, errno, _("Could not create the folder %s"), self->dir);
      return NULL;
    }

  reload (self);

  self->timer = g_timeout_source_new_seconds (self->check_seconds);
  g_source_set_static_name (self->timer, "[dk-server-snapshot] check");
  /* no reference: dispose destroys it */
  g_source_set_callback (self->timer, check_timeout_cb, self, NULL);
  g_source_attach (self->timer, self->context);

  return g_steal_pointer (&self);
}

/**
 * dk_server_snapshots_note_seq:
 * @seq: the seq a commit reached
 *
 * Tells of a commit. Cheap: the builder is started only when enough seqs have passed
 * since the snapshot for the 5 % rule to be possible (the changed rows are at most the
 * seqs passed, the rows at least those at the snapshot); the hour rule and other
 * processes' writes are the timer's.
 */
void
dk_server_snapshots_note_seq (DkServerSnapshots *self,
                              gint64             seq)
{
  gboolean have;
  gint64 snapshot_seq, db_rows;

  g_return_if_fail (DK_IS_SERVER_SNAPSHOTS (self));

  g_mutex_lock (&self->lock);
  have = self->loaded.have;
  snapshot_seq = self->loaded.seq;
  db_rows = self->loaded.db_rows;
  g_mutex_unlock (&self->lock);

  if (have && (seq - snapshot_seq) * 20 < db_rows)
    return;

  maybe_start (self);
}

/**
 * dk_server_snapshots_get:
 * @klass: the caller's class
 * @content_type: (nullable): DK_SNAPSHOT_TYPE_SQLITE for the plain file; else zstd
 * @etag: (nullable): the ETag of an If-Range
 *
 * Returns: (transfer full) (nullable): the generation @etag names when it is the one
 *   kept before the newest, else the newest; %NULL when there is none
 */
DkServerSnapshotFile *
dk_server_snapshots_get (DkServerSnapshots      *self,
                         DkServerSnapshotClass   klass,
                         const char             *content_type,
                         const char             *etag)
{
  DkServerSnapshotFile *file;
  guint rep;

  g_return_val_if_fail (DK_IS_SERVER_SNAPSHOTS (self), NULL);
  g_return_val_if_fail (klass < DK_SERVER_SNAPSHOT_N_CLASSES, NULL);

  rep = g_strcmp0 (content_type, DK_SNAPSHOT_TYPE_SQLITE) == 0 ? REP_SQLITE : REP_ZSTD;

  g_mutex_lock (&self->lock);
  file = self->loaded.current[klass].files[rep];
  if (etag != NULL && self->loaded.previous[klass].files[rep] != NULL &&
      g_str_equal (etag, self->loaded.previous[klass].files[rep]->etag) &&
      (file == NULL || !g_str_equal (etag, file->etag)))
    file = self->loaded.previous[klass].files[rep];
  if (file != NULL)
    dk_server_snapshot_file_ref (file);
  g_mutex_unlock (&self->lock);

  return file;
}
