/* The umbrella header compiles on its own and names every module's API. */
#include "xgate/xgate.h"

#include <criterion/criterion.h>

Test(core_public_header, umbrella_declares_every_module)
{
    cr_assert_not_null((void *)xg_error_message);
    cr_assert_not_null((void *)xg_buf_init);
    cr_assert_not_null((void *)xg_csv_init);
    cr_assert_not_null((void *)xg_lists_id_scheme);
    cr_assert_not_null((void *)xg_lists_load);
    cr_assert_not_null((void *)xg_name_analyse);
    cr_assert_not_null((void *)xg_screen);
    cr_assert_not_null((void *)xg_classify_item);
    cr_assert_not_null((void *)xg_country_code);
    cr_assert_not_null((void *)xg_store_open);
    cr_assert_not_null((void *)xg_decide);
    cr_assert_not_null((void *)xg_scanner_new);
    cr_assert_not_null((void *)xg_server_start);
    cr_assert_not_null((void *)xg_config_parse);
    cr_assert_not_null((void *)xg_monitor_run);
}
