package dev.arca.engine.repo;

import dev.arca.engine.ArcaException;
import dev.arca.engine.ArcaException.Kind;
import dev.arca.engine.chunk.GearChunker;
import dev.arca.engine.crypto.BlobCipher;
import dev.arca.engine.crypto.ChunkIds;
import dev.arca.engine.crypto.KeySlot;
import dev.arca.engine.crypto.MasterKey;
import dev.arca.engine.format.BlobIndex;
import dev.arca.engine.format.BlobType;
import dev.arca.engine.format.Compression;
import dev.arca.engine.format.Hex;
import dev.arca.engine.format.IndexFile;
import dev.arca.engine.format.ObjectCodec;
import dev.arca.engine.format.RepoConfig;
import dev.arca.engine.format.Tree;
import dev.arca.engine.format.TreeCodec;
import dev.arca.engine.storage.ObjectExistsException;
import dev.arca.engine.storage.ObjectMissingException;
import dev.arca.engine.storage.Storage;
import dev.arca.engine.storage.StoreUnreachableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * An opened repository: its storage, configuration and key, and the codecs derived from them. The
 * entry point for the use cases (backup, restore, verify). Thread-safe.
 */
public final class Repository {
  public static final String KEYS = "keys/";

  private final Storage storage;
  private final RepoConfig config;
  private final BlobCipher cipher;
  private final ChunkIds ids;
  private final Compression compression;
  private final ObjectCodec codec;
  private final GearChunker chunker;
  private final ThreadLocal<byte[]> scratch = new ThreadLocal<>();
  private final MasterKey key;
  private final String keySlot;

  private Repository(Storage storage, RepoConfig config, MasterKey key, String keySlot) {
    this.storage = storage;
    this.config = config;
    this.key = key;
    this.keySlot = keySlot;
    boolean encrypted = BlobCipher.AES_256_GCM.equals(config.cipher());
    this.cipher = encrypted ? BlobCipher.aesGcm(key.encryptionKey()) : BlobCipher.none();
    this.ids = ChunkIds.forAlgorithm(config.chunkId(), encrypted ? key.idKey() : null);
    this.compression = new Compression(config.compressionLevel());
    this.codec = new ObjectCodec(cipher, compression);
    byte[] seed = encrypted ? key.chunkerSeed() : Hex.parse(config.chunkerSeed());
    RepoConfig.Chunker c = config.chunker();
    this.chunker = new GearChunker(seed, c.minSize(), c.avgSize(), c.maxSize());
  }

  /** Options for {@link #init}. */
  public record InitOptions(boolean encrypted, int scryptN, int compressionLevel, int packSize) {
    public static InitOptions defaults() {
      return new InitOptions(true, KeySlot.DEFAULT_N, 1, 32 << 20);
    }

    public InitOptions withEncryption(boolean on) {
      return new InitOptions(on, scryptN, compressionLevel, packSize);
    }

    public InitOptions withScryptN(int n) {
      return new InitOptions(encrypted, n, compressionLevel, packSize);
    }

    public InitOptions withPackSize(int size) {
      return new InitOptions(encrypted, scryptN, compressionLevel, size);
    }
  }

  /** Creates a repository; fails if one exists. {@code password} may be null when unencrypted. */
  public static Repository init(Storage storage, char[] password, InitOptions opts) {
    Repository r = create(storage, password, opts);
    if (r == null) {
      throw alreadyExists(storage);
    }
    return r;
  }

  /**
   * An opened repository, and whether this call created it.
   *
   * @param repository the repository, open
   * @param created whether {@link #openOrInit} created it just now
   */
  public record Opened(Repository repository, boolean created) {}

  /** Where a repository keeps objects: their presence without a config means damage. */
  private static final List<String> CONTENT =
      List.of(
          KEYS,
          dev.arca.engine.format.Snapshot.PREFIX,
          IndexFile.PREFIX,
          dev.arca.engine.format.Packs.PREFIX);

  /**
   * Opens the repository at {@code storage}, or creates it when there is none (for {@code backup
   * --init-if-missing}). "None" means only this: the store answered a listing, and it holds no
   * config object and no key slot, snapshot, index or pack either. Anything else opens the
   * repository as {@link #open} does and fails as it does: a wrong password, a damaged config, a
   * store that cannot be read (unreachable, access denied) never lead to a new repository, and nor
   * do the objects of a repository whose config is gone. The config is written create-only and
   * before the key slot: of two callers that find none at once, one creates the repository, the
   * other writes nothing and opens that one (waiting about three seconds for its key slot), so no
   * second key slot for the same password with another master key can ever exist.
   */
  public static Opened openOrInit(Storage storage, char[] password, InitOptions opts) {
    try {
      for (int look = 1; ; look++) {
        List<Storage.ObjectInfo> config = listed(storage, RepoConfig.KEY);
        if (!config.isEmpty()) {
          if (look < INIT_LOOKS && awaitsKeySlot(storage, config.get(0).size())) {
            sleep(INIT_PAUSE_MS); // a concurrent init between its config and its key slot
            continue;
          }
          return new Opened(open(storage, password), false);
        }
        String found = null;
        for (String prefix : CONTENT) {
          List<Storage.ObjectInfo> objects = storage.list(prefix);
          if (found == null && !objects.isEmpty()) {
            found = objects.get(0).key();
          }
        }
        if (found == null) {
          break;
        }
        if (look < INIT_LOOKS && !listed(storage, RepoConfig.KEY).isEmpty()) {
          continue; // a concurrent init wrote its config (first) and more since the look above
        }
        throw new ArcaException(
            Kind.NO_REPOSITORY,
            "no repository config at "
                + storage.describe()
                + ", but "
                + found
                + " and perhaps more objects of a repository are there: its config is lost or"
                + " an init was interrupted; not creating a new repository over them (put the"
                + " config back, or use an empty location)");
      }
    } catch (IOException e) {
      throw new ArcaException(
          Kind.ERROR,
          "cannot tell whether a repository exists at "
              + storage.describe()
              + ", so none is created: "
              + e.getMessage(),
          e);
    }
    Repository r = create(storage, password, opts);
    if (r != null) {
      return new Opened(r, true);
    }
    awaitKeySlot(storage); // another caller's config came first: its key slot follows
    return new Opened(open(storage, password), false);
  }

  /** How often {@link #openOrInit} looks for the key slot of an encrypted config without one. */
  private static final int INIT_LOOKS = 10;

  private static final long INIT_PAUSE_MS = 300;

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ArcaException(Kind.ERROR, "interrupted while waiting for a repository's config");
    }
  }

  /** Whether the config says encrypted but no key slot is there yet (an init in progress). */
  /**
   * Waits (as {@link #openOrInit} does, at most {@link #INIT_LOOKS} looks) while the repository's
   * encrypted config has no key slot yet: a concurrent init between its two writes.
   */
  private static void awaitKeySlot(Storage storage) {
    try {
      for (int look = 1;
          look < INIT_LOOKS && awaitsKeySlot(storage, storage.size(RepoConfig.KEY));
          look++) {
        sleep(INIT_PAUSE_MS);
      }
    } catch (IOException e) {
      // open reads the same objects and says what is wrong
    }
  }

  private static boolean awaitsKeySlot(Storage storage, long configSize) throws IOException {
    if (configSize > RepoConfig.MAX_SIZE || !storage.list(KEYS).isEmpty()) {
      return false; // an oversized config is not read here: open says it is damaged
    }
    try {
      byte[] raw = storage.read(new Storage.ObjectInfo(RepoConfig.KEY, configSize));
      return raw.length <= RepoConfig.MAX_SIZE
          && !BlobCipher.NONE.equals(ObjectCodec.JSON.readValue(raw, RepoConfig.class).cipher());
    } catch (IOException | RuntimeException unreadable) {
      return false; // open says what is wrong with it
    }
  }

  /** The objects listed under {@code key} named exactly {@code key}. */
  private static List<Storage.ObjectInfo> listed(Storage storage, String key) throws IOException {
    return storage.list(key).stream().filter(o -> o.key().equals(key)).toList();
  }

  private static ArcaException alreadyExists(Storage storage) {
    return new ArcaException(
        Kind.ERROR,
        "a repository already exists at " + storage.describe() + "; use it or pick another URL");
  }

  /**
   * Creates a repository; returns null when its config exists, checked first and again by the
   * create-only write of the config. The config goes first and the key slot after it, so a
   * concurrent init wins or loses whole and a loser writes nothing: a key slot exists only for the
   * master key of the config that won.
   */
  private static Repository create(Storage storage, char[] password, InitOptions opts) {
    try {
      if (storage.size(RepoConfig.KEY) >= 0) {
        return null;
      }
      if (opts.encrypted() && (password == null || password.length == 0)) {
        throw ArcaException.usage(
            "no password: set ARCA_PASSWORD or pass --password-file (or --insecure-no-encryption)");
      }
      MasterKey key = MasterKey.random();
      byte[] repoId = new byte[16];
      new SecureRandom().nextBytes(repoId);
      String now = Instant.now().toString();
      RepoConfig config =
          new RepoConfig(
              RepoConfig.FORMAT,
              RepoConfig.VERSION,
              Hex.of(Arrays.copyOf(repoId, 32)).substring(0, 32),
              now,
              RepoConfig.Chunker.defaults(),
              opts.encrypted() ? ChunkIds.HMAC_SHA256 : ChunkIds.SHA256,
              "sha256",
              "zstd",
              opts.compressionLevel(),
              opts.encrypted() ? BlobCipher.AES_256_GCM : BlobCipher.NONE,
              opts.packSize(),
              opts.encrypted() ? null : Hex.of(key.chunkerSeed()));
      // The slot is wrapped (the slow key derivation) before anything is written.
      byte[] slot =
          opts.encrypted()
              ? ObjectCodec.JSON.writeValueAsBytes(KeySlot.wrap(key, password, opts.scryptN(), now))
              : null;
      try {
        storage.create(RepoConfig.KEY, ObjectCodec.JSON.writeValueAsBytes(config));
      } catch (ObjectExistsException lost) {
        return null; // another init created it meanwhile, and wrote nothing of ours
      }
      String slotKey = slot == null ? null : KEYS + Hex.of(ChunkIds.sha256().digest(slot));
      if (slotKey != null) {
        try {
          storage.create(slotKey, slot);
        } catch (IOException e) {
          throw new ArcaException(
              Kind.ERROR,
              "the repository config at "
                  + storage.describe()
                  + " was written but its key slot could not be ("
                  + e.getMessage()
                  + "); the repository holds nothing else yet: delete its config and init again",
              e);
        }
      }
      return new Repository(storage, config, key, slotKey);
    } catch (IOException e) {
      throw new ArcaException(
          Kind.ERROR,
          "cannot initialise repository at " + storage.describe() + ": " + e.getMessage(),
          e);
    }
  }

  /** Opens an existing repository with a password (ignored when unencrypted). */
  public static Repository open(Storage storage, char[] password) {
    RepoConfig config;
    try {
      // listed rather than asked for (HEAD): a refusal then names its reason (a wrong key...)
      long size =
          storage.list(RepoConfig.KEY).stream()
              .filter(o -> o.key().equals(RepoConfig.KEY))
              .mapToLong(Storage.ObjectInfo::size)
              .findFirst()
              .orElse(-1);
      if (size > RepoConfig.MAX_SIZE) {
        throw new ArcaException(
            Kind.INTEGRITY,
            "the repository config at "
                + storage.describe()
                + " is damaged: "
                + size
                + " bytes, more than a config can be");
      }
      byte[] raw = storage.read(new Storage.ObjectInfo(RepoConfig.KEY, size));
      config = ObjectCodec.JSON.readValue(raw, RepoConfig.class);
    } catch (ObjectMissingException e) {
      throw new ArcaException(
          Kind.NO_REPOSITORY,
          "no Arca repository at "
              + storage.describe()
              + " (no config object); create one with 'arca init --repo URL' or check the URL");
    } catch (IOException e) {
      // a store that cannot be reached may well hold a repository: not "no repository" (exit 5)
      throw new ArcaException(
          e instanceof StoreUnreachableException ? Kind.ERROR : Kind.NO_REPOSITORY,
          "cannot read the repository config at " + storage.describe() + ": " + e.getMessage(),
          e);
    }
    if (!RepoConfig.FORMAT.equals(config.format()) || config.version() != RepoConfig.VERSION) {
      throw new ArcaException(
          Kind.ERROR,
          "repository at "
              + storage.describe()
              + " has format "
              + config.format()
              + " version "
              + config.version()
              + "; this arca reads version "
              + RepoConfig.VERSION);
    }
    if (BlobCipher.NONE.equals(config.cipher())) {
      return new Repository(storage, config, MasterKey.random(), null);
    }
    if (password == null || password.length == 0) {
      throw new ArcaException(
          Kind.WRONG_KEY,
          "repository at "
              + storage.describe()
              + " is encrypted: set ARCA_PASSWORD or pass --password-file");
    }
    KeySlots.Unlocked u = KeySlots.unlock(storage, password);
    return new Repository(storage, config, u.key(), u.slot());
  }

  /** The master key (for adding key slots). */
  MasterKey masterKey() {
    return key;
  }

  /** The key slot that opened this repository ({@code keys/<id>}), or null if unencrypted. */
  public String keySlot() {
    return keySlot;
  }

  /** Prepares the JIT for bulk data work (backup, restore, reading data); once per process. */
  public void warmUp() {
    dev.arca.engine.runtime.JitWarmUp.process().run(cipher, ids);
  }

  public Storage storage() {
    return storage;
  }

  public RepoConfig config() {
    return config;
  }

  public BlobCipher cipher() {
    return cipher;
  }

  public ChunkIds ids() {
    return ids;
  }

  public Compression compression() {
    return compression;
  }

  public ObjectCodec codec() {
    return codec;
  }

  public GearChunker chunker() {
    return chunker;
  }

  /**
   * Reads every index object into a fresh in-memory index for reading: where a blob is in several
   * packs, a pack not marked as garbage wins. A damaged index object fails the load.
   */
  public BlobIndex loadIndex() {
    return loadIndex(null);
  }

  /**
   * As {@link #loadIndex()}, but a damaged index object is left out and {@code warn} (when not
   * null) hears of it: the blobs it lists count as missing, so the files that need them fail and
   * are named, and everything else is read as usual. Copies recorded as damaged come last.
   */
  public BlobIndex loadIndex(java.util.function.Consumer<String> warn) {
    return loadIndex(warn, true);
  }

  /**
   * The index a writer deduplicates against: blobs found only in packs marked as garbage or only in
   * copies recorded as damaged are left out, so a backup stores them again rather than depend on a
   * pack a prune may delete or on damaged bytes. Damaged index objects, marks and records are left
   * out and {@code warn} hears of them.
   */
  public BlobIndex loadIndexForWriting(java.util.function.Consumer<String> warn) {
    return loadIndex(warn, false);
  }

  private BlobIndex loadIndex(java.util.function.Consumer<String> warn, boolean keepAvoided) {
    java.util.function.Consumer<String> tell = warn == null ? m -> {} : warn;
    try {
      java.util.Set<String> marked =
          GarbageMarks.markedPacks(GarbageMarks.list(this, warn == null ? null : tell));
      return loadIndex(marked, DamageRecords.list(this, tell), keepAvoided, warn);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the garbage marks of " + storage.describe(), e);
    }
  }

  /**
   * Reads every index object into a fresh in-memory index, preferring locations outside the packs
   * in {@code avoid} (hex ids of packs marked as garbage) and outside the copies {@code damaged}
   * knows. With {@code keepAvoided} false, blobs found only in such places are left out: a backup
   * then stores them again. With {@code warn} null a damaged index object fails the load; otherwise
   * it is left out and {@code warn} hears of it.
   */
  public BlobIndex loadIndex(
      java.util.Set<String> avoid,
      DamageRecords.Known damaged,
      boolean keepAvoided,
      java.util.function.Consumer<String> warn) {
    java.util.Map<String, String> unreadable = warn == null ? null : new java.util.TreeMap<>();
    try {
      BlobIndex index = IndexLoader.load(storage, codec, avoid, damaged, keepAvoided, unreadable);
      if (warn != null) {
        unreadable.forEach(
            (key, why) ->
                warn.accept(
                    why + "; the blobs " + key + " lists count as missing (arca repair index)"));
      }
      return index;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the index of " + storage.describe(), e);
    }
  }

  /** Entries per index object: every writer splits its index objects here. */
  public static final int INDEX_SPLIT = 200_000;

  /**
   * Writes index objects for {@code blobs}, split every {@link #INDEX_SPLIT}; returns their keys.
   */
  public List<String> saveIndexes(List<BlobIndex.Location> blobs) throws IOException {
    List<String> keys = new java.util.ArrayList<>();
    for (int i = 0; i < blobs.size(); i += INDEX_SPLIT) {
      keys.add(saveIndex(blobs.subList(i, Math.min(blobs.size(), i + INDEX_SPLIT))));
    }
    return keys;
  }

  /** Writes an index object for {@code blobs}; returns its key. */
  public String saveIndex(List<BlobIndex.Location> blobs) throws IOException {
    byte[] stored = codec.seal(IndexFile.encode(blobs));
    String key = IndexFile.PREFIX + Hex.of(ChunkIds.sha256().digest(stored));
    try {
      storage.create(key, stored);
    } catch (dev.arca.engine.storage.ObjectExistsException e) {
      if (storage.size(key) != stored.length) {
        throw e; // a name collision with different content: never overwrite
      }
    }
    return key;
  }

  /** Reads, decrypts, decompresses and checks one blob. */
  public byte[] readBlob(BlobIndex.Location loc) throws IOException {
    byte[] sealed = storage.read(loc.packKey(), loc.offset(), loc.length());
    return decodeBlob(loc, sealed, 0);
  }

  /** Decodes one blob from bytes read from its pack at {@code off}, checking its id. */
  public byte[] decodeBlob(BlobIndex.Location loc, byte[] buf, int off) {
    byte[] plain = new byte[loc.rawLength()];
    decodeBlobInto(loc, buf, off, plain, 0);
    return plain;
  }

  /**
   * Decodes one blob from bytes read from its pack at {@code off} into {@code dest[destOff..
   * destOff+rawLength)}, checking its id; on damage throws with {@code dest} partly written.
   */
  public void decodeBlobInto(
      BlobIndex.Location loc, byte[] buf, int off, byte[] dest, int destOff) {
    decode(loc, buf, off, dest, destOff, true);
  }

  /**
   * Decodes one chunk of a file that a restore writes and then checks whole against the file's
   * SHA-256 (FORMAT.md "Verification"): in an encrypted repository the AEAD tag of every segment is
   * the chunk's own check and its id is not computed again; in an unencrypted one, which has no
   * tags, the id is checked as {@link #decodeBlobInto} does. On damage throws with {@code dest}
   * partly written.
   */
  public void decodeContentInto(
      BlobIndex.Location loc, byte[] buf, int off, byte[] dest, int destOff) {
    decode(loc, buf, off, dest, destOff, !cipher.authenticates());
  }

  private void decode(
      BlobIndex.Location loc, byte[] buf, int off, byte[] dest, int destOff, boolean checkId) {
    String what = "blob " + Hex.of(loc.id()) + " in " + loc.packKey();
    int need = cipher.plainLength(loc.length());
    byte[] framed = scratch.get();
    if (framed == null || framed.length < need) {
      framed = new byte[Math.max(need, 1 << 20)];
      scratch.set(framed);
    }
    int n = cipher.openInto(buf, off, loc.length(), framed, what);
    compression.decompressInto(loc.codec(), framed, 0, n, loc.rawLength(), what, dest, destOff);
    if (checkId && !Arrays.equals(ids.id(dest, destOff, loc.rawLength()), loc.id())) {
      throw ArcaException.integrity(what + " is damaged: its content does not match its id");
    }
  }

  /** Loads a tree blob. */
  public Tree readTree(BlobIndex index, String id) throws IOException {
    BlobIndex.Location loc = index.get(Hex.parse(id));
    if (loc == null || loc.type() != BlobType.TREE) {
      throw ArcaException.integrity("tree " + id + " is missing from the repository index");
    }
    byte[] plain;
    try {
      plain = readBlob(loc);
    } catch (ObjectMissingException e) {
      throw ArcaException.integrity(
          "tree " + id + " cannot be read: " + loc.packKey() + " is gone or cut short");
    }
    try {
      return TreeCodec.read(plain);
    } catch (IOException e) {
      throw ArcaException.integrity("tree " + id + " is damaged: " + e.getMessage());
    }
  }
}
