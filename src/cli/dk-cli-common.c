/* SPDX-License-Identifier: GPL-3.0-or-later */
/* dk-cli-common.c: what driftkoll-cli's commands that change the replica share */

#define G_LOG_DOMAIN "dk-cli-common"

#include "config.h"

#include "dk-cli-private.h"

DkStore *
_dk_cli_get_store_as_me (DkCli       *cli,
                         const char **out_me,
                         GError     **error)
{
  DkStore *store;
  const char *me;

  g_assert (out_me != NULL);

  store = _dk_cli_get_store (cli, error);
  if (store == NULL)
    return NULL;
  me = _dk_cli_get_me (cli, error);
  if (me == NULL)
    return NULL;

  *out_me = me;
  return store;
}
