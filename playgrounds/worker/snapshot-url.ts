/** The URL of the site's boot snapshot (a data directory dumped after initdb), under the site's base path. */
export function snapshotUrl(): string {
  return `${import.meta.env.BASE_URL.replace(/\/$/, '')}/pgdata/snapshot.tgz`;
}
