"""Local Kafka (KRaft), Elasticsearch and Beam's Prism runner, started by the project itself.

Everything lives under one git-ignored home folder (``$WIREFEED_HOME``, default ``./.wirefeed``):

    cache/   downloads: Kafka jars, the Elasticsearch zip, the Prism binary (kept across ``down``)
    kafka/   broker config and data        elasticsearch/  dist, config and data
    logs/    one log per service            run/            pid files

``up`` is idempotent (a healthy service is left alone), ``down`` stops only the processes whose
pid files it wrote, and every health wait has a timeout with a message that says what to do.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path

KAFKA_VERSION = "4.3.1"
ELASTICSEARCH_VERSION = "8.19.21"
ELASTICSEARCH_ARTIFACT = f"org.elasticsearch.distribution.integ-test-zip:elasticsearch:{ELASTICSEARCH_VERSION}:zip"
BEAM_VERSION = "2.77.0"
PRISM_PACKAGE = f"github.com/apache/beam/sdks/v2/go/cmd/prism@v{BEAM_VERSION}"
# Elasticsearch refuses to run as root; when we are root we run it as this system user.
ES_SERVICE_USER = "wirefeed"
MIN_JAVA = 17


class ServiceError(RuntimeError):
    """A service could not be prepared or started; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Settings:
    home: Path
    kafka_port: int
    kafka_controller_port: int
    es_port: int
    es_transport_port: int
    kafka_heap: str
    es_heap: str
    timeout: float
    es_secure_port: int = 9201
    es_secure_transport_port: int = 9301

    @classmethod
    def from_env(cls, env=os.environ) -> "Settings":
        return cls(
            home=Path(env.get("WIREFEED_HOME", ".wirefeed")).resolve(),
            kafka_port=int(env.get("WIREFEED_KAFKA_PORT", "9092")),
            kafka_controller_port=int(env.get("WIREFEED_KAFKA_CONTROLLER_PORT", "9093")),
            es_port=int(env.get("WIREFEED_ES_PORT", "9200")),
            es_transport_port=int(env.get("WIREFEED_ES_TRANSPORT_PORT", "9300")),
            kafka_heap=env.get("WIREFEED_KAFKA_HEAP", "512m"),
            es_heap=env.get("WIREFEED_ES_HEAP", "1g"),
            timeout=float(env.get("WIREFEED_SERVICES_TIMEOUT", "120")),
            es_secure_port=int(env.get("WIREFEED_ES_SECURE_PORT", "9201")),
            es_secure_transport_port=int(env.get("WIREFEED_ES_SECURE_TRANSPORT_PORT", "9301")),
        )

    @property
    def cache(self) -> Path:
        return self.home / "cache"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def kafka_bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def es_url(self) -> str:
        return f"http://127.0.0.1:{self.es_port}"

    @property
    def es_secure_url(self) -> str:
        return f"https://127.0.0.1:{self.es_secure_port}"

    @property
    def es_secure_dir(self) -> Path:
        """The secured node's CA certificate and credentials (credentials.json, mode 0600)."""
        return self.home / "elasticsearch-secure"

    @property
    def prism_binary(self) -> Path:
        return self.cache / "bin" / f"prism-v{BEAM_VERSION}"


def log(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


# --- helpers -------------------------------------------------------------------------------

def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def find_java() -> tuple[Path, int]:
    """The java binary to use and its major version: $JAVA_HOME first, then PATH."""
    candidates = []
    for var in ("WIREFEED_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            candidates.append(Path(os.environ[var]) / "bin" / "java")
    on_path = shutil.which("java")
    if on_path:
        candidates.append(Path(on_path))
    seen = []
    for java in candidates:
        if not java.exists():
            continue
        out = subprocess.run([str(java), "-XshowSettings:properties", "-version"],
                             capture_output=True, text=True).stderr
        version = next((line.split("=", 1)[1].strip() for line in out.splitlines()
                        if line.strip().startswith("java.specification.version")), "0")
        major = int(version.split(".")[-1] if version.startswith("1.") else version.split(".")[0])
        seen.append(f"{java} (Java {major})")
        if major >= MIN_JAVA:
            return java.resolve(), major
    raise ServiceError(
        f"no Java {MIN_JAVA} or newer found (looked at $WIREFEED_JAVA_HOME, $JAVA_HOME and PATH: "
        f"{', '.join(seen) or 'nothing'}). Install a JDK {MIN_JAVA}+ (e.g. apt-get install openjdk-17-jdk-headless) "
        "or point JAVA_HOME at one.")


def require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if not path:
        raise ServiceError(f"'{name}' not found on PATH: {hint}")
    return path


def read_pid(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    # A recycled pid must not make us stop somebody else's process: check its command line.
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    return pid if pid_file.parent.parent.as_posix() in cmdline or "wirefeed" in cmdline else None


def http_json(url: str, timeout: float = 2.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode())


def wait_until(check, timeout: float, what: str, log_file: Path, pid: int | None = None) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if pid is not None and not _alive(pid):
            raise ServiceError(f"{what} exited during start-up; last lines of {log_file}:\n{tail(log_file)}")
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: BLE001 - any failure just means "not healthy yet"
            pass
        time.sleep(0.5)
    raise ServiceError(f"{what} not healthy after {timeout:.0f}s (raise WIREFEED_SERVICES_TIMEOUT if the machine "
                       f"is slow); last lines of {log_file}:\n{tail(log_file)}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child has exited
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run_checked(cmd: list[str], what: str, **kwargs) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if proc.returncode != 0:
        raise ServiceError(f"{what} failed (exit {proc.returncode}): {' '.join(cmd)}\n"
                           f"{(proc.stdout + proc.stderr)[-3000:]}")


def start_process(cmd: list[str], name: str, settings: Settings, env: dict, cwd: Path,
                  user: str | None = None) -> int:
    settings.logs.mkdir(parents=True, exist_ok=True)
    settings.run.mkdir(parents=True, exist_ok=True)
    log_file = settings.logs / f"{name}.log"
    with open(log_file, "ab") as out:
        kwargs = {}
        if user:
            entry = pwd.getpwnam(user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=str(cwd), start_new_session=True, **kwargs)
    (settings.run / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def check_port_free(port: int, service: str, env_var: str) -> None:
    if port_open(port):
        raise ServiceError(f"port {port} on 127.0.0.1 is taken by another process, so {service} cannot start "
                           f"there. Stop that process or choose another port with {env_var}=PORT.")


# --- Kafka ---------------------------------------------------------------------------------

def kafka_libs(settings: Settings) -> Path:
    libs = settings.cache / f"kafka-{KAFKA_VERSION}" / "libs"
    if (libs.parent / ".complete").exists():
        return libs
    mvn = require_tool("mvn", "Maven fetches the Kafka jars from Maven Central (apt-get install maven).")
    log(f"resolving Apache Kafka {KAFKA_VERSION} jars from Maven Central")
    pom = Path(__file__).with_name("kafka-pom.xml")
    shutil.rmtree(libs, ignore_errors=True)
    run_checked([mvn, "-q", "-B", "-f", str(pom), f"-Dkafka.version={KAFKA_VERSION}",
                 "dependency:copy-dependencies", f"-DoutputDirectory={libs}", "-DincludeScope=runtime"],
                "resolving the Kafka jars with Maven")
    (libs.parent / ".complete").write_text(KAFKA_VERSION)
    return libs


def kafka_up(settings: Settings, java: Path) -> str:
    pid_file = settings.run / "kafka.pid"
    pid = read_pid(pid_file)
    if pid and port_open(settings.kafka_port):
        return f"kafka already running (pid {pid}) on {settings.kafka_bootstrap}"
    check_port_free(settings.kafka_port, "Kafka", "WIREFEED_KAFKA_PORT")
    check_port_free(settings.kafka_controller_port, "the Kafka controller", "WIREFEED_KAFKA_CONTROLLER_PORT")
    libs = kafka_libs(settings)
    base = settings.home / "kafka"
    data = base / "data"
    base.mkdir(parents=True, exist_ok=True)
    props = base / "server.properties"
    props.write_text("\n".join([
        "# written by wirefeed services up; edit deploy/local/services.py instead",
        "process.roles=broker,controller",
        "node.id=1",
        f"controller.quorum.voters=1@127.0.0.1:{settings.kafka_controller_port}",
        f"listeners=PLAINTEXT://127.0.0.1:{settings.kafka_port},CONTROLLER://127.0.0.1:{settings.kafka_controller_port}",
        f"advertised.listeners=PLAINTEXT://127.0.0.1:{settings.kafka_port}",
        "controller.listener.names=CONTROLLER",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name=PLAINTEXT",
        f"log.dirs={data}",
        "num.partitions=2",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=4",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "auto.create.topics.enable=true",
        "",
    ]))
    log4j = base / "log4j2.yaml"
    log4j.write_text(
        "Configuration:\n  Appenders:\n    Console:\n      name: STDOUT\n      PatternLayout:\n"
        "        pattern: \"[%d] %p %m (%c)%n\"\n  Loggers:\n    Root:\n      level: INFO\n"
        "      AppenderRef:\n        - ref: STDOUT\n    Logger:\n      - name: kafka\n        level: WARN\n"
        "      - name: org.apache.kafka\n        level: WARN\n")
    classpath = f"{libs}/*"
    java_opts = [f"-Xms{settings.kafka_heap}", f"-Xmx{settings.kafka_heap}", f"-Dlog4j2.configurationFile={log4j}",
                 "-XX:+UseG1GC", "-Djava.awt.headless=true"]
    if not (data / "meta.properties").exists():
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        # One token: a random id starts with "-" one time in 64, and would be read as an option.
        run_checked([str(java), *java_opts, "-cp", classpath, "kafka.tools.StorageTool", "format",
                     f"--cluster-id={cluster_id}", "-c", str(props)], "formatting the Kafka KRaft storage")
    pid = start_process([str(java), *java_opts, "-cp", classpath, "kafka.Kafka", str(props)],
                        "kafka", settings, dict(os.environ), base)
    took = wait_until(lambda: kafka_healthy(settings), settings.timeout, "Kafka",
                      settings.logs / "kafka.log", pid)
    return f"kafka {KAFKA_VERSION} started (pid {pid}) on {settings.kafka_bootstrap} in {took:.1f}s"


def kafka_healthy(settings: Settings) -> bool:
    if not port_open(settings.kafka_port):
        return False
    from kafka import KafkaAdminClient  # imported late: `services` must work before the venv has it

    admin = KafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, request_timeout_ms=3000,
                             client_id="wirefeed-health")
    try:
        admin.list_topics()
        return True
    finally:
        admin.close()


# --- Elasticsearch -------------------------------------------------------------------------

def elasticsearch_zip(settings: Settings) -> Path:
    target = settings.cache / f"elasticsearch-{ELASTICSEARCH_VERSION}.zip"
    if target.exists():
        return target
    mvn = require_tool("mvn", "Maven fetches Elasticsearch from Maven Central (apt-get install maven).")
    log(f"resolving {ELASTICSEARCH_ARTIFACT} from Maven Central")
    settings.cache.mkdir(parents=True, exist_ok=True)
    run_checked([mvn, "-q", "-B", "dependency:copy", f"-Dartifact={ELASTICSEARCH_ARTIFACT}",
                 f"-DoutputDirectory={settings.cache}", "-Dmdep.overWriteReleases=true"],
                "resolving the Elasticsearch zip with Maven", cwd=str(settings.cache))
    if not target.exists():
        raise ServiceError(f"Maven finished but {target} is missing")
    return target


def service_user() -> str | None:
    """Elasticsearch will not run as root: use (and if needed create) an unprivileged user."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(ES_SERVICE_USER)
    except KeyError:
        run_checked(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_SERVICE_USER],
                    f"creating the system user {ES_SERVICE_USER!r} that runs Elasticsearch")
    return ES_SERVICE_USER


def user_can_reach(user: str | None, path: Path) -> bool:
    if user is None:
        return True
    return subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(path)]).returncode == 0


def elasticsearch_root(settings: Settings, user: str | None) -> Path:
    """Where the node's dist, config and data live: inside the home folder when the service user can
    reach it, else (a checkout inside a private 0700 folder) a folder under /var/tmp linked from it."""
    root = settings.home / "elasticsearch"
    if root.is_symlink() or user_can_reach(user, settings.home):
        return root.resolve() if root.is_symlink() else root
    digest = uuid.uuid5(uuid.NAMESPACE_URL, str(settings.home)).hex[:12]
    outside = Path("/var/tmp") / f"wirefeed-{digest}" / "elasticsearch"
    outside.mkdir(parents=True, exist_ok=True)
    os.chmod(outside.parent, 0o755)
    if not root.exists():
        root.symlink_to(outside)
    log(f"{settings.home} is not reachable by user {user!r}; Elasticsearch files go to {outside}")
    return outside


def elasticsearch_dist(settings: Settings) -> tuple[str | None, Path, Path]:
    """(the user Elasticsearch runs as, the root of its files, the unpacked distribution), unpacking
    the cached zip on first use. Both local nodes share the distribution."""
    archive = elasticsearch_zip(settings)
    user = service_user()
    root = elasticsearch_root(settings, user)
    dist = root / f"elasticsearch-{ELASTICSEARCH_VERSION}"
    if not (dist / "bin" / "elasticsearch").exists():
        root.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(archive) as zf:
            zf.extractall(root)
        for script in (dist / "bin").iterdir():
            script.chmod(0o755)
    return user, root, dist


def prepare_node(dist: Path, folder: Path, written_by: str, cluster: str, http_port: int, transport_port: int,
                 node_settings: list[str]) -> tuple[Path, Path]:
    """A node's config (copied from the distribution once, elasticsearch.yml rewritten each time),
    data, logs and tmp folders under ``folder``; returns (config, tmp)."""
    config = folder / "config"
    if not config.exists():
        shutil.copytree(dist / "config", config)
    data, logs, tmp = folder / "data", folder / "logs", folder / "tmp"
    for path in (data, logs, tmp):
        path.mkdir(parents=True, exist_ok=True)
    (config / "elasticsearch.yml").write_text("\n".join([
        f"# written by {written_by}; edit deploy/local/services.py instead",
        f"cluster.name: {cluster}",
        f"node.name: {cluster}-1",
        "network.host: 127.0.0.1",
        f"http.port: {http_port}",
        f"transport.port: {transport_port}",
        "discovery.type: single-node",
        f"path.data: {data}",
        f"path.logs: {logs}",
        *node_settings,
        "cluster.routing.allocation.disk.threshold_enabled: false",
        "",
    ]))
    return config, tmp


def node_env(java: Path, config: Path, tmp: Path, heap: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ES_")}
    env.update({"ES_JAVA_HOME": str(java.parent.parent), "ES_PATH_CONF": str(config), "ES_TMPDIR": str(tmp),
                "ES_JAVA_OPTS": f"-Xms{heap} -Xmx{heap}"})
    return env


def elasticsearch_up(settings: Settings, java: Path) -> str:
    pid_file = settings.run / "elasticsearch.pid"
    pid = read_pid(pid_file)
    if pid and port_open(settings.es_port):
        return f"elasticsearch already running (pid {pid}) on {settings.es_url}"
    check_port_free(settings.es_port, "Elasticsearch", "WIREFEED_ES_PORT")
    check_port_free(settings.es_transport_port, "Elasticsearch transport", "WIREFEED_ES_TRANSPORT_PORT")
    user, root, dist = elasticsearch_dist(settings)
    config, tmp = prepare_node(dist, root, "wirefeed services up", "wirefeed-local", settings.es_port,
                               settings.es_transport_port, ["xpack.security.enabled: false",
                                                            "action.destructive_requires_name: false"])
    if user:
        run_checked(["chown", "-R", f"{user}:{user}", str(root)], "handing the Elasticsearch folder to its user")
    env = node_env(java, config, tmp, settings.es_heap)
    pid = start_process([str(dist / "bin" / "elasticsearch")], "elasticsearch", settings, env, root, user=user)
    took = wait_until(lambda: elasticsearch_healthy(settings), settings.timeout, "Elasticsearch",
                      settings.logs / "elasticsearch.log", pid)
    return f"elasticsearch {ELASTICSEARCH_VERSION} started (pid {pid}) on {settings.es_url} in {took:.1f}s"


def elasticsearch_healthy(settings: Settings) -> bool:
    # The integ-test-zip has no root ("GET /") handler, so health is the health API.
    health = http_json(f"{settings.es_url}/_cluster/health?wait_for_status=yellow&timeout=2s", timeout=4)
    return health.get("status") in ("green", "yellow")


# --- Elasticsearch with security on (for tests of authentication and TLS) -------------------

def _write_certificates(folder: Path) -> None:
    """A throw-away CA and a certificate for 127.0.0.1/localhost signed by it (PEM)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wirefeed local test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
          .not_valid_after(now + datetime.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "wirefeed-local-secure")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca.crt").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "node.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "node.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                        serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))


def secure_credentials(settings: Settings) -> dict:
    """{"username", "password", "ca_file"} of the secured node (generated once per WIREFEED_HOME)."""
    path = settings.es_secure_dir / "credentials.json"
    if not path.exists():
        import secrets

        settings.es_secure_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps({"username": "elastic", "password": secrets.token_urlsafe(18),
                                    "ca_file": str(settings.es_secure_dir / "ca.crt")}))
    return json.loads(path.read_text())


def elasticsearch_secure_up(settings: Settings, java: Path) -> str:
    pid = read_pid(settings.run / "elasticsearch-secure.pid")
    if pid and port_open(settings.es_secure_port):
        return f"elasticsearch-secure already running (pid {pid}) on {settings.es_secure_url}"
    check_port_free(settings.es_secure_port, "the secured Elasticsearch", "WIREFEED_ES_SECURE_PORT")
    check_port_free(settings.es_secure_transport_port, "the secured Elasticsearch transport",
                    "WIREFEED_ES_SECURE_TRANSPORT_PORT")
    user, root, dist = elasticsearch_dist(settings)
    node = root / "secure"
    credentials = secure_credentials(settings)
    if not (settings.es_secure_dir / "ca.crt").exists():
        _write_certificates(settings.es_secure_dir)
    config, tmp = prepare_node(dist, node, "wirefeed services up elasticsearch-secure", "wirefeed-local-secure",
                               settings.es_secure_port, settings.es_secure_transport_port, [
                                   "xpack.security.enabled: true",
                                   "xpack.security.http.ssl.enabled: true",
                                   "xpack.security.http.ssl.key: node.key",
                                   "xpack.security.http.ssl.certificate: node.crt",
                                   "xpack.security.http.ssl.certificate_authorities: [ca.crt]",
                                   "xpack.security.authc.api_key.enabled: true"])
    for name in ("ca.crt", "node.crt", "node.key"):
        shutil.copy(settings.es_secure_dir / name, config / name)
    env = node_env(java, config, tmp, "512m")
    if user:
        run_checked(["chown", "-R", f"{user}:{user}", str(node)], "handing the secured node's folder to its user")
    # The keystore belongs to the node's user: the tool refuses a keystore someone else owns.
    keystore = (["runuser", "-u", user, "--"] if user else []) + [str(dist / "bin" / "elasticsearch-keystore")]
    if not (config / "elasticsearch.keystore").exists():
        subprocess.run([*keystore, "create"], env=env, check=True, capture_output=True)
    # The bootstrap password is the built-in `elastic` user's password (read from stdin, never argv).
    added = subprocess.run([*keystore, "add", "-x", "-f", "bootstrap.password"], env=env, capture_output=True,
                           input=credentials["password"].encode())
    if added.returncode != 0:
        raise ServiceError(f"elasticsearch-keystore failed ({added.returncode}): "
                           f"{added.stderr.decode(errors='replace')[-500:]}")
    pid = start_process([str(dist / "bin" / "elasticsearch")], "elasticsearch-secure", settings, env, node, user=user)
    took = wait_until(lambda: elasticsearch_secure_healthy(settings), settings.timeout, "the secured Elasticsearch",
                      settings.logs / "elasticsearch-secure.log", pid)
    return (f"elasticsearch-secure {ELASTICSEARCH_VERSION} started (pid {pid}) on {settings.es_secure_url} "
            f"in {took:.1f}s (TLS; user and CA in {settings.es_secure_dir})")


def elasticsearch_secure_healthy(settings: Settings) -> bool:
    import ssl

    credentials = secure_credentials(settings)
    context = ssl.create_default_context(cafile=credentials["ca_file"])
    token = base64.b64encode(f"{credentials['username']}:{credentials['password']}".encode()).decode()
    request = urllib.request.Request(f"{settings.es_secure_url}/_cluster/health?wait_for_status=yellow&timeout=2s",
                                     headers={"Authorization": f"Basic {token}"})
    try:
        with urllib.request.urlopen(request, timeout=4, context=context) as response:
            return json.loads(response.read()).get("status") in ("green", "yellow")
    except (OSError, urllib.error.URLError, ValueError):
        return False


# --- Prism ---------------------------------------------------------------------------------

def prism_build(settings: Settings) -> str:
    binary = settings.prism_binary
    if binary.exists():
        return f"prism v{BEAM_VERSION} ready at {binary}"
    go = require_tool("go", "Beam's Prism runner is built from source with Go (apt-get install golang-go).")
    gobin = settings.cache / "gobin"
    gobin.mkdir(parents=True, exist_ok=True)
    log(f"building Beam's Prism runner: go install {PRISM_PACKAGE} (a few minutes the first time)")
    started = time.monotonic()
    env = dict(os.environ, GOBIN=str(gobin), CGO_ENABLED="0")
    run_checked([go, "install", PRISM_PACKAGE], "building Prism with go install", env=env)
    binary.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(gobin / "prism"), binary)
    return f"prism v{BEAM_VERSION} built at {binary} in {time.monotonic() - started:.0f}s"


# --- commands ------------------------------------------------------------------------------

def up(settings: Settings, which: set[str]) -> list[str]:
    settings.home.mkdir(parents=True, exist_ok=True)
    messages = []
    java = None
    if which & {"kafka", "elasticsearch", "elasticsearch-secure"}:
        java, _ = find_java()
    if "prism" in which:
        messages.append(prism_build(settings))
    if "kafka" in which:
        messages.append(kafka_up(settings, java))
    if "elasticsearch" in which:
        messages.append(elasticsearch_up(settings, java))
    if "elasticsearch-secure" in which:
        messages.append(elasticsearch_secure_up(settings, java or find_java()[0]))
    return messages


def down(settings: Settings, which: set[str], timeout: float = 60) -> list[str]:
    messages = []
    for name in ("elasticsearch-secure", "elasticsearch", "kafka"):
        if name not in which:
            continue
        pid_file = settings.run / f"{name}.pid"
        pid = read_pid(pid_file)
        if pid is None:
            pid_file.unlink(missing_ok=True)
            messages.append(f"{name}: not running (nothing of ours to stop)")
            continue
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.3)
        if _alive(pid):
            os.killpg(pid, signal.SIGKILL)
            messages.append(f"{name}: did not stop within {timeout:.0f}s, killed (pid {pid})")
        else:
            messages.append(f"{name}: stopped (pid {pid})")
        pid_file.unlink(missing_ok=True)
    return messages


def status(settings: Settings) -> dict:
    report = {}
    for name, port in (("kafka", settings.kafka_port), ("elasticsearch", settings.es_port)):
        pid = read_pid(settings.run / f"{name}.pid")
        report[name] = {"running": bool(pid), "pid": pid, "port": port, "port_open": port_open(port)}
    report["kafka"].update(version=KAFKA_VERSION, bootstrap=settings.kafka_bootstrap)
    report["elasticsearch"].update(version=ELASTICSEARCH_VERSION, url=settings.es_url)
    try:
        report["elasticsearch"]["health"] = http_json(f"{settings.es_url}/_cluster/health")["status"]
    except (OSError, urllib.error.URLError, ValueError):
        report["elasticsearch"]["health"] = None
    report["prism"] = {"built": settings.prism_binary.exists(), "path": str(settings.prism_binary)}
    report["home"] = str(settings.home)
    return report


ALL = ("prism", "kafka", "elasticsearch")
OPTIONAL = ("elasticsearch-secure",)  # started only when named: a second node with security and TLS on


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="wirefeed services", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["up", "down", "status"])
    parser.add_argument("names", nargs="*", metavar="SERVICE",
                        help="prism, kafka, elasticsearch (default: these three); elasticsearch-secure")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(ALL) - set(OPTIONAL)
    if unknown:
        parser.error(f"unknown service {', '.join(sorted(unknown))}; choose from {', '.join(ALL + OPTIONAL)}")
    settings = Settings.from_env()
    which = set(args.names or (ALL + OPTIONAL if args.action == "down" else ALL))
    try:
        if args.action == "up":
            for message in up(settings, which):
                log(message)
        elif args.action == "down":
            for message in down(settings, which):
                log(message)
        else:
            print(json.dumps(status(settings), indent=2))
    except ServiceError as exc:
        log(f"error: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
