package dev.tributary.examples;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

/**
 * Deterministic GitHub-events-like JSON messages for the table of ClickHouse's Kafka table-engine
 * guide (enums, LowCardinality strings, arrays, DateTimes): message {@code n} is always the same.
 */
public final class GitHubEvents {

    /** The guide's columns, with {@code Enum8} (which every server version has) and an {@code id}. */
    public static final String COLUMNS = """
            (
                id UInt64,
                file_time DateTime,
                event_type Enum8('CommitCommentEvent' = 1, 'CreateEvent' = 2, 'DeleteEvent' = 3, 'ForkEvent' = 4,
                    'GollumEvent' = 5, 'IssueCommentEvent' = 6, 'IssuesEvent' = 7, 'MemberEvent' = 8, 'PublicEvent' = 9,
                    'PullRequestEvent' = 10, 'PullRequestReviewCommentEvent' = 11, 'PushEvent' = 12, 'ReleaseEvent' = 13,
                    'SponsorshipEvent' = 14, 'WatchEvent' = 15, 'GistEvent' = 16, 'FollowEvent' = 17, 'DownloadEvent' = 18,
                    'PullRequestReviewEvent' = 19, 'ForkApplyEvent' = 20, 'Event' = 21, 'TeamAddEvent' = 22),
                actor_login LowCardinality(String),
                repo_name LowCardinality(String),
                created_at DateTime,
                updated_at DateTime,
                action Enum8('none' = 0, 'created' = 1, 'added' = 2, 'edited' = 3, 'deleted' = 4, 'opened' = 5, 'closed' = 6,
                    'reopened' = 7, 'assigned' = 8, 'unassigned' = 9, 'labeled' = 10, 'unlabeled' = 11, 'review_requested' = 12,
                    'review_request_removed' = 13, 'synchronize' = 14, 'started' = 15, 'published' = 16, 'update' = 17,
                    'create' = 18, 'fork' = 19, 'merged' = 20),
                comment_id UInt64,
                path String,
                ref LowCardinality(String),
                ref_type Enum8('none' = 0, 'branch' = 1, 'tag' = 2, 'repository' = 3, 'unknown' = 4),
                creator_user_login LowCardinality(String),
                number UInt32,
                title String,
                labels Array(LowCardinality(String)),
                state Enum8('none' = 0, 'open' = 1, 'closed' = 2),
                assignee LowCardinality(String),
                assignees Array(LowCardinality(String)),
                closed_at DateTime,
                merged_at DateTime,
                merge_commit_sha String,
                requested_reviewers Array(LowCardinality(String)),
                merged_by LowCardinality(String),
                review_comments UInt32,
                member_login LowCardinality(String)
            )""";

    /** The columns and the guide's engine clause. */
    public static final String TABLE_COLUMNS = COLUMNS + " ENGINE = MergeTree ORDER BY (event_type, repo_name, created_at)";

    private static final String[] EVENT_TYPES = {"PushEvent", "CreateEvent", "WatchEvent", "IssuesEvent",
            "PullRequestEvent", "IssueCommentEvent", "ForkEvent", "DeleteEvent", "ReleaseEvent", "PullRequestReviewEvent"};
    private static final String[] ACTIONS = {"none", "created", "opened", "closed", "labeled", "synchronize", "merged"};
    private static final String[] REF_TYPES = {"none", "branch", "tag", "repository"};
    private static final String[] STATES = {"none", "open", "closed"};
    private static final String[] LABELS = {"bug", "enhancement", "documentation", "good first issue", "help wanted",
            "question", "wontfix", "duplicate"};
    private static final String[] WORDS = {"fix", "add", "remove", "update", "refactor", "parser", "build", "docs",
            "tests", "cache", "écran", "日本語", "crash", "memory", "speed"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final long START = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

    private GitHubEvents() {
    }

    /** {@code CREATE TABLE IF NOT EXISTS <table> ...} for these events. */
    public static String createTable(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table + " " + TABLE_COLUMNS;
    }

    /** Message {@code n} as UTF-8 JSON (0.5–1 KB). */
    public static byte[] json(long n) {
        SplittableRandom random = new SplittableRandom(n * 0x9E3779B97F4A7C15L + 7);
        String eventType = EVENT_TYPES[random.nextInt(EVENT_TYPES.length)];
        long created = START + n * 3 + random.nextInt(3);
        String repo = "org" + random.nextInt(50) + "/repo-" + random.nextInt(2000);
        StringBuilder json = new StringBuilder(900);
        json.append("{\"id\":").append(n)
                .append(",\"file_time\":\"").append(TIME.format(Instant.ofEpochSecond(created - created % 3600))).append('"')
                .append(",\"event_type\":\"").append(eventType).append('"')
                .append(",\"actor_login\":\"user-").append(random.nextInt(20_000)).append('"')
                .append(",\"repo_name\":\"").append(repo).append('"')
                .append(",\"created_at\":\"").append(TIME.format(Instant.ofEpochSecond(created))).append('"')
                .append(",\"updated_at\":\"").append(TIME.format(Instant.ofEpochSecond(created + random.nextInt(86_400)))).append('"')
                .append(",\"action\":\"").append(ACTIONS[random.nextInt(ACTIONS.length)]).append('"')
                .append(",\"comment_id\":").append(random.nextLong(1, 2_000_000_000L))
                .append(",\"path\":\"src/main/").append(WORDS[random.nextInt(WORDS.length)]).append('/')
                .append(random.nextInt(1000)).append(".java\"")
                .append(",\"ref\":\"refs/heads/").append(WORDS[random.nextInt(WORDS.length)]).append('"')
                .append(",\"ref_type\":\"").append(REF_TYPES[random.nextInt(REF_TYPES.length)]).append('"')
                .append(",\"creator_user_login\":\"user-").append(random.nextInt(20_000)).append('"')
                .append(",\"number\":").append(random.nextInt(100_000))
                .append(",\"title\":\"");
        int words = 4 + random.nextInt(12);
        for (int i = 0; i < words; i++) {
            json.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        json.append("\",\"labels\":[");
        int labels = random.nextInt(4);
        for (int i = 0; i < labels; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(LABELS[random.nextInt(LABELS.length)]).append('"');
        }
        json.append("],\"state\":\"").append(STATES[random.nextInt(STATES.length)]).append('"')
                .append(",\"assignee\":\"user-").append(random.nextInt(500)).append('"')
                .append(",\"assignees\":[\"user-").append(random.nextInt(500)).append("\",\"user-").append(random.nextInt(500)).append("\"]")
                .append(",\"closed_at\":\"").append(TIME.format(Instant.ofEpochSecond(created + 90_000))).append('"')
                .append(",\"merged_at\":\"").append(TIME.format(Instant.ofEpochSecond(created + 100_000))).append('"')
                .append(",\"merge_commit_sha\":\"");
        for (int i = 0; i < 5; i++) {
            json.append(String.format("%08x", random.nextInt()));
        }
        json.append("\",\"requested_reviewers\":[\"user-").append(random.nextInt(500)).append("\"]")
                .append(",\"merged_by\":\"user-").append(random.nextInt(500)).append('"')
                .append(",\"review_comments\":").append(random.nextInt(40))
                .append(",\"member_login\":\"user-").append(random.nextInt(20_000)).append('"')
                .append(",\"payload_extra\":{\"ignored\":true,\"note\":\"fields no column asks for are skipped\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
