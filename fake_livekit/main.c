/* main.c: fake_livekit, LiveKit's SIP Twirp API on fakekit (see service.c). */
#include "fake_livekit/service.h"
#include "fakekit/run.h"

int main(int argc, char **argv)
{
    return fk_run(&lk_service, argc, argv);
}
