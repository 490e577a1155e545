package dev.incidents.console.prefs;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** Remembers the reader's time zone (a cookie for a year); anyone may choose one, even on the public status page. */
@Path("/preferences/time-zone")
@PermitAll
public class PreferencesResource {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response choose(@FormParam("zone") String zone, @FormParam("back") String back) {
        String valid = ReaderZone.valid(zone);
        Response.ResponseBuilder answer = Response.seeOther(URI.create(LocalPath.orHome(back)));
        if (valid != null) {
            answer.cookie(new NewCookie.Builder(ReaderZone.COOKIE)
                    .value(valid)
                    .path("/")
                    .maxAge(365 * 24 * 3600)
                    .sameSite(NewCookie.SameSite.LAX)
                    .httpOnly(true)
                    .build());
        }
        return answer.build();
    }
}
