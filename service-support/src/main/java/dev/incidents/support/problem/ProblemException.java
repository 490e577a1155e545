package dev.incidents.support.problem;

/** Thrown anywhere in a request to answer with the given problem; nothing of the request is kept. */
public class ProblemException extends RuntimeException {

    private final Problem problem;
    private final long retryAfterSeconds;

    public ProblemException(Problem problem) {
        this(problem, 0);
    }

    /** A problem the client may retry after the given number of seconds ({@code Retry-After}; 0: no header). */
    public ProblemException(Problem problem, long retryAfterSeconds) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Problem problem() {
        return problem;
    }

    public jakarta.ws.rs.core.Response toResponse() {
        var response = problem.toResponse();
        return retryAfterSeconds <= 0
                ? response
                : jakarta.ws.rs.core.Response.fromResponse(response)
                        .header("Retry-After", Long.toString(retryAfterSeconds))
                        .build();
    }
}
