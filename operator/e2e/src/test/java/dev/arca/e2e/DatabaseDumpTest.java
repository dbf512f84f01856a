package dev.arca.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arca.it.Postgres;
import dev.arca.it.Procs;
import dev.arca.testcluster.cluster.Kubectl;
import dev.arca.testcluster.node.PostgresImage;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A database in a pod, backed up by a BackupPolicy with a dump source and put back by a
 * RestoreRequest that pipes the dump into psql in that pod: the operator's Jobs exec into the pod
 * through the real API server under the exec account the operator binds. The database is this
 * machine's PostgreSQL run by the kubelet stand-in as a pod, or on a real node ({@link
 * Cluster#realNode()}) the PostgreSQL test image's, made from Debian's packages ({@link
 * PostgresImage}), run as a real container.
 */
class DatabaseDumpTest {
  static final String NS = "chat";
  static final String ROWS =
      "SELECT m::text FROM messages m ORDER BY id; SELECT last_value FROM messages_id_seq;";

  @Test
  void aDumpSourceBacksUpTheDatabaseAndAPipeRestoresEveryRow() throws Exception {
    Steps s = new Steps(NS);
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    String bin = Server.get().bin();
    startDatabase();
    String before = psql(bin, ROWS);
    assertThat(before.lines()).hasSize(2001);

    s.claim("uploads");
    Pods.shell(NS, "write-uploads", "echo avatar > /data/avatar.png", "uploads");
    s.policy(
        "chat-data",
        "uploads",
        bucket,
        "pw",
        """
        sources:
          - pvc: uploads
          - dump:
              path: db/chat.sql
              podSelector: {app: chat-postgres}
              command: [%s/pg_dump, -h, /tmp, -U, postgres, --clean, --if-exists, chat]
        """
            .formatted(bin));
    var snapshots = s.awaitSnapshots("chat-data", 1);
    assertThat(snapshots.get(0).getAdditionalProperties().get("spec").toString())
        .contains("dumps=[db/chat.sql]", "pvcs=[uploads]");

    psql(bin, "DELETE FROM messages WHERE id % 3 = 0; UPDATE messages SET body = 'changed';");
    assertThat(psql(bin, ROWS)).isNotEqualTo(before);

    s.apply(
        """
        apiVersion: arca.dev/v1alpha1
        kind: RestoreRequest
        metadata: {name: chat-back, namespace: %s}
        spec:
          policyRef: {name: chat-data}
          snapshot: latest
          pipe:
            path: db/chat.sql
            pod: postgres-0
            command: [%s/psql, -h, /tmp, -U, postgres, -v, ON_ERROR_STOP=1, --single-transaction, chat]
        """
            .formatted(NS, bin));
    Map<?, ?> done = s.awaitRestore("chat-back");
    assertThat(done.get("phase")).as(done.toString()).isEqualTo("Succeeded");
    assertThat(psql(bin, ROWS)).isEqualTo(before);
    // the runs have ended: no exec right on the database pod is left
    assertThat(
            Cluster.get()
                .client()
                .rbac()
                .roles()
                .inNamespace(NS)
                .withLabel(dev.arca.controller.jobs.ExecAccess.EXEC_JOB)
                .list()
                .getItems())
        .isEmpty();
  }

  @Test
  void aFailingDumpFailsTheRunWithItsMessage() throws Exception {
    Steps s = new Steps(NS);
    s.secrets("pw", Steps.PASSWORD);
    String bucket = s.initRepository("pw");
    String bin = Server.get().bin();
    startDatabase();
    s.policy(
        "no-such-db",
        "unused",
        bucket,
        "pw",
        """
        sources:
          - dump:
              path: db/nope.sql
              pod: postgres-0
              command: [%s/pg_dump, -h, /tmp, -U, postgres, nope]
        """
            .formatted(bin));
    Map<?, ?> c =
        s.await(
            "LastBackupSucceeded=False",
            () -> s.condition(Steps.POLICIES, "no-such-db", "LastBackupSucceeded"),
            x -> x != null && "False".equals(x.get("status")));
    assertThat(c.get("message").toString())
        .contains("stream db/nope.sql: the command exited with status 1")
        .contains("database \"nope\" does not exist");
    assertThat(s.snapshots("no-such-db")).isEmpty();
  }

  /**
   * The database's image, where its programs are in it and the user they run as: on the stand-in,
   * this machine's PostgreSQL and postgres user under the image name the stand-in runs; on a real
   * node, the PostgreSQL test image and its postgres user.
   */
  record Server(String image, String bin, long uid, long gid) {
    static Server get() {
      if (Cluster.realNode()) {
        PostgresImage p = PostgresImage.find();
        return new Server(p.name(), p.binDir(), p.uid(), p.gid());
      }
      return new Server(
          Cluster.POSTGRES_IMAGE, Postgres.binDir().toString(), hostId("-u"), hostId("-g"));
    }

    private static long hostId(String which) {
      return Long.parseLong(Procs.ok(List.of("id", which, "postgres")).strip());
    }
  }

  /**
   * PostgreSQL in pod postgres-0 (once per namespace), with 2000 messages, ready when it returns.
   * On a real node the image is imported first.
   */
  static synchronized void startDatabase() throws Exception {
    var pods = Cluster.get().client().pods().inNamespace(NS);
    if (pods.withName("postgres-0").get() == null) {
      Server server = Server.get();
      if (Cluster.realNode()) {
        Cluster.node().node().importImage(PostgresImage.find().archive());
      }
      String script =
          """
          set -e
          B=%1$s
          $B/initdb -D /tmp/pgdata -U postgres -A trust --locale=C -E UTF8 --no-sync >/dev/null
          $B/postgres -D /tmp/pgdata -k /tmp -c listen_addresses= -c fsync=off &
          until $B/pg_isready -q -h /tmp; do sleep 0.2; done
          $B/psql -h /tmp -U postgres -v ON_ERROR_STOP=1 -c 'CREATE DATABASE chat'
          $B/psql -h /tmp -U postgres -d chat -v ON_ERROR_STOP=1 -c "
            CREATE TABLE messages (id serial PRIMARY KEY, role text, body text, meta jsonb);
            INSERT INTO messages (role, body, meta)
              SELECT CASE WHEN i %% 2 = 0 THEN 'user' ELSE 'assistant' END,
                     'message ' || i || ' été ' || md5(i::text), jsonb_build_object('i', i)
              FROM generate_series(1, 2000) i;"
          touch /tmp/ready
          wait
          """
              .formatted(server.bin());
      pods.resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName("postgres-0")
                  .addToLabels("app", "chat-postgres")
                  .endMetadata()
                  .withNewSpec()
                  .withRestartPolicy("Never")
                  .withNewSecurityContext()
                  .withRunAsUser(server.uid())
                  .withRunAsGroup(server.gid())
                  .endSecurityContext()
                  .addNewContainer()
                  .withName("postgres")
                  .withImage(server.image())
                  .withCommand("sh", "-c", script)
                  .endContainer()
                  .endSpec()
                  .build())
          .create();
    }
    new Steps(NS)
        .await(
            "PostgreSQL in postgres-0 to be ready",
            () ->
                Cluster.get()
                    .kubectl("exec", "-n", NS, "postgres-0", "--", "test", "-f", "/tmp/ready")
                    .exitCode(),
            code -> code == 0);
  }

  /** SQL run by psql in the database's pod; its unaligned output. */
  static String psql(String bin, String sql) {
    Kubectl.Result r =
        Cluster.get()
            .kubectl(
                "exec",
                "-n",
                NS,
                "postgres-0",
                "--",
                bin + "/psql",
                "-h",
                "/tmp",
                "-U",
                "postgres",
                "-d",
                "chat",
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-c",
                sql);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return r.stdout();
  }
}
