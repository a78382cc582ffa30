import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Asset, Backup } from '../models/index.js';
import { fsyncDirectory, writeFileAtomic } from './durable-file.js';

/** What the cloud keeps per backup: its metadata and the hash of its content object. */
export interface Manifest {
  backup: Backup;
  sha256: string;
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The emulated cloud, on disk under `root`: content-addressed `objects/<sha256>`, one
 * `backups/<id>.json` manifest per backup (written last, so a half-uploaded backup is never
 * listed) and `assets/<id>.json` for `/backup/asset`. Ids are validated by the caller.
 */
export class CloudStore {
  readonly objectsDir: string;
  readonly backupsDir: string;
  readonly assetsDir: string;

  constructor(readonly root: string) {
    this.objectsDir = path.join(root, 'objects');
    this.backupsDir = path.join(root, 'backups');
    this.assetsDir = path.join(root, 'assets');
  }

  /** The folders staging files can be left in (see staging-leftovers.ts). */
  get dirs(): readonly string[] {
    return [this.objectsDir, this.backupsDir, this.assetsDir];
  }

  init(): void {
    for (const dir of this.dirs) fs.mkdirSync(dir, { recursive: true });
  }

  /**
   * Removes content objects no manifest names: what a crash between the object rename and
   * the manifest write leaves. Only safe while no creation runs (start-up).
   */
  removeOrphanObjects(): string[] {
    const referenced = new Set(this.manifests().map((manifest) => manifest.sha256));
    const orphans = fs.readdirSync(this.objectsDir).filter((name) => /^[0-9a-f]{64}$/.test(name) && !referenced.has(name));
    for (const name of orphans) fs.rmSync(path.join(this.objectsDir, name), { force: true });
    return orphans;
  }

  wipe(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
    this.init();
  }

  private manifestPath(id: string): string {
    return path.join(this.backupsDir, `${id}.json`);
  }

  objectPath(sha256: string): string {
    return path.join(this.objectsDir, sha256);
  }

  /** Where a creation (or a seed) `id` stages its object until the commit renames it to `<sha256>`. */
  stagingPath(id: string): string {
    return path.join(this.objectsDir, `${id}.partial`);
  }

  get(id: string): Manifest | undefined {
    try {
      const manifest = JSON.parse(fs.readFileSync(this.manifestPath(id), 'utf8')) as Manifest;
      return manifest.backup?.id === id ? manifest : undefined;
    } catch {
      return undefined;
    }
  }

  private manifests(): Manifest[] {
    return fs
      .readdirSync(this.backupsDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => this.get(name.slice(0, -'.json'.length)))
      .filter((manifest): manifest is Manifest => manifest !== undefined);
  }

  /** Completed backups, newest first. */
  list(): Backup[] {
    const backups = this.manifests().map((manifest) => manifest.backup);
    return backups.sort((a, b) => Number(b.timestamp) - Number(a.timestamp) || (a.id < b.id ? 1 : -1));
  }

  /**
   * Makes the object staged (and fsynced) at `staged` visible as `objects/<sha256>` (rename,
   * fsync of the folder); then the manifest, last, makes the backup visible.
   * Content-addressed: when an object of those bytes exists, the staged copy is dropped.
   */
  commit(manifest: Manifest, staged: string): void {
    const object = this.objectPath(manifest.sha256);
    if (fs.existsSync(object)) {
      fs.rmSync(staged, { force: true });
    } else {
      fs.renameSync(staged, object);
      fsyncDirectory(this.objectsDir);
    }
    writeFileAtomic(this.manifestPath(manifest.backup.id), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  /** Removes the manifest, then the object unless another backup has the same content. */
  delete(id: string): boolean {
    const manifest = this.get(id);
    if (!manifest) return false;
    fs.rmSync(this.manifestPath(id), { force: true });
    const shared = this.manifests().some((other) => other.sha256 === manifest.sha256);
    if (!shared) fs.rmSync(this.objectPath(manifest.sha256), { force: true });
    return true;
  }

  storeAsset(asset: Asset): void {
    writeFileAtomic(path.join(this.assetsDir, `${asset.id}.json`), JSON.stringify(asset));
  }

  listAssetIds(): string[] {
    return fs
      .readdirSync(this.assetsDir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -5));
  }
}
