/*
 * test_quic.c - libcheck suite for quic.c: the client Initial test vectors
 * of RFC 9001 Appendix A.2, RFC 9369 Appendix A.2, draft-ietf-quic-tls-29
 * and -27 Appendix A.2 and draft-ietf-quic-v2-07 Appendix A.2 (the
 * provisional v2 of ngtcp2 0.12), copied from the documents; CRYPTO stream
 * reassembly across packets, coalesced packets, reordered, overlapping and
 * repeated frames, a new DCID after Retry, packet number reconstruction, a
 * ClientHello of exactly TLS_HELLO_MAX; hostile input (truncation at every
 * length, bad tags, lengths and offsets out of range, bad frames, unknown
 * versions, Version Negotiation, Retry).
 *
 * The packets beyond the documents' vectors are made here by enc_initial(),
 * which protects a payload with libcrypto (HKDF, AES-128-GCM, AES-128-ECB)
 * the way a client does; it is checked first against the documents' keys
 * and protected packets, byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "testutil.h"
#include "traffic/quic.h"
#include "traffic/tls.h"

/* ---- the documents' vectors (hex as printed there) ---- */

static const char rfc9001_a2_packet[] =
    "c000000001088394c8f03e5157080000449e7b9aec34d1b1c98dd7689fb8ec11"
    "d242b123dc9bd8bab936b47d92ec356c0bab7df5976d27cd449f63300099f399"
    "1c260ec4c60d17b31f8429157bb35a1282a643a8d2262cad67500cadb8e7378c"
    "8eb7539ec4d4905fed1bee1fc8aafba17c750e2c7ace01e6005f80fcb7df6212"
    "30c83711b39343fa028cea7f7fb5ff89eac2308249a02252155e2347b63d58c5"
    "457afd84d05dfffdb20392844ae812154682e9cf012f9021a6f0be17ddd0c208"
    "4dce25ff9b06cde535d0f920a2db1bf362c23e596d11a4f5a6cf3948838a3aec"
    "4e15daf8500a6ef69ec4e3feb6b1d98e610ac8b7ec3faf6ad760b7bad1db4ba3"
    "485e8a94dc250ae3fdb41ed15fb6a8e5eba0fc3dd60bc8e30c5c4287e53805db"
    "059ae0648db2f64264ed5e39be2e20d82df566da8dd5998ccabdae053060ae6c"
    "7b4378e846d29f37ed7b4ea9ec5d82e7961b7f25a9323851f681d582363aa5f8"
    "9937f5a67258bf63ad6f1a0b1d96dbd4faddfcefc5266ba6611722395c906556"
    "be52afe3f565636ad1b17d508b73d8743eeb524be22b3dcbc2c7468d54119c74"
    "68449a13d8e3b95811a198f3491de3e7fe942b330407abf82a4ed7c1b311663a"
    "c69890f4157015853d91e923037c227a33cdd5ec281ca3f79c44546b9d90ca00"
    "f064c99e3dd97911d39fe9c5d0b23a229a234cb36186c4819e8b9c5927726632"
    "291d6a418211cc2962e20fe47feb3edf330f2c603a9d48c0fcb5699dbfe58964"
    "25c5bac4aee82e57a85aaf4e2513e4f05796b07ba2ee47d80506f8d2c25e50fd"
    "14de71e6c418559302f939b0e1abd576f279c4b2e0feb85c1f28ff18f58891ff"
    "ef132eef2fa09346aee33c28eb130ff28f5b766953334113211996d20011a198"
    "e3fc433f9f2541010ae17c1bf202580f6047472fb36857fe843b19f5984009dd"
    "c324044e847a4f4a0ab34f719595de37252d6235365e9b84392b061085349d73"
    "203a4a13e96f5432ec0fd4a1ee65accdd5e3904df54c1da510b0ff20dcc0c77f"
    "cb2c0e0eb605cb0504db87632cf3d8b4dae6e705769d1de354270123cb11450e"
    "fc60ac47683d7b8d0f811365565fd98c4c8eb936bcab8d069fc33bd801b03ade"
    "a2e1fbc5aa463d08ca19896d2bf59a071b851e6c239052172f296bfb5e724047"
    "90a2181014f3b94a4e97d117b438130368cc39dbb2d198065ae3986547926cd2"
    "162f40a29f0c3c8745c0f50fba3852e566d44575c29d39a03f0cda721984b6f4"
    "40591f355e12d439ff150aab7613499dbd49adabc8676eef023b15b65bfc5ca0"
    "6948109f23f350db82123535eb8a7433bdabcb909271a6ecbcb58b936a88cd4e"
    "8f2e6ff5800175f113253d8fa9ca8885c2f552e657dc603f252e1a8e308f76f0"
    "be79e2fb8f5d5fbbe2e30ecadd220723c8c0aea8078cdfcb3868263ff8f09400"
    "54da48781893a7e49ad5aff4af300cd804a6b6279ab3ff3afb64491c85194aab"
    "760d58a606654f9f4400e8b38591356fbf6425aca26dc85244259ff2b19c41b9"
    "f96f3ca9ec1dde434da7d2d392b905ddf3d1f9af93d1af5950bd493f5aa731b4"
    "056df31bd267b6b90a079831aaf579be0a39013137aac6d404f518cfd4684064"
    "7e78bfe706ca4cf5e9c5453e9f7cfd2b8b4c8d169a44e55c88d4a9a7f9474241"
    "e221af44860018ab0856972e194cd934";
static const char rfc9001_a2_crypto[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

static const char rfc9369_a2_packet[] =
    "d76b3343cf088394c8f03e5157080000449ea0c95e82ffe67b6abcdb4298b485"
    "dd04de806071bf03dceebfa162e75d6c96058bdbfb127cdfcbf903388e99ad04"
    "9f9a3dd4425ae4d0992cfff18ecf0fdb5a842d09747052f17ac2053d21f57c5d"
    "250f2c4f0e0202b70785b7946e992e58a59ac52dea6774d4f03b55545243cf1a"
    "12834e3f249a78d395e0d18f4d766004f1a2674802a747eaa901c3f10cda5500"
    "cb9122faa9f1df66c392079a1b40f0de1c6054196a11cbea40afb6ef5253cd68"
    "18f6625efce3b6def6ba7e4b37a40f7732e093daa7d52190935b8da58976ff33"
    "12ae50b187c1433c0f028edcc4c2838b6a9bfc226ca4b4530e7a4ccee1bfa2a3"
    "d396ae5a3fb512384b2fdd851f784a65e03f2c4fbe11a53c7777c023462239dd"
    "6f7521a3f6c7d5dd3ec9b3f233773d4b46d23cc375eb198c63301c21801f6520"
    "bcfb7966fc49b393f0061d974a2706df8c4a9449f11d7f3d2dcbb90c6b877045"
    "636e7c0c0fe4eb0f697545460c806910d2c355f1d253bc9d2452aaa549e27a1f"
    "ac7cf4ed77f322e8fa894b6a83810a34b361901751a6f5eb65a0326e07de7c12"
    "16ccce2d0193f958bb3850a833f7ae432b65bc5a53975c155aa4bcb4f7b2c4e5"
    "4df16efaf6ddea94e2c50b4cd1dfe06017e0e9d02900cffe1935e0491d77ffb4"
    "fdf85290fdd893d577b1131a610ef6a5c32b2ee0293617a37cbb08b847741c3b"
    "8017c25ca9052ca1079d8b78aebd47876d330a30f6a8c6d61dd1ab5589329de7"
    "14d19d61370f8149748c72f132f0fc99f34d766c6938597040d8f9e2bb522ff9"
    "9c63a344d6a2ae8aa8e51b7b90a4a806105fcbca31506c446151adfeceb51b91"
    "abfe43960977c87471cf9ad4074d30e10d6a7f03c63bd5d4317f68ff325ba3bd"
    "80bf4dc8b52a0ba031758022eb025cdd770b44d6d6cf0670f4e990b22347a7db"
    "848265e3e5eb72dfe8299ad7481a408322cac55786e52f633b2fb6b614eaed18"
    "d703dd84045a274ae8bfa73379661388d6991fe39b0d93debb41700b41f90a15"
    "c4d526250235ddcd6776fc77bc97e7a417ebcb31600d01e57f32162a8560cacc"
    "7e27a096d37a1a86952ec71bd89a3e9a30a2a26162984d7740f81193e8238e61"
    "f6b5b984d4d3dfa033c1bb7e4f0037febf406d91c0dccf32acf423cfa1e70710"
    "10d3f270121b493ce85054ef58bada42310138fe081adb04e2bd901f2f13458b"
    "3d6758158197107c14ebb193230cd1157380aa79cae1374a7c1e5bbcb80ee23e"
    "06ebfde206bfb0fcbc0edc4ebec309661bdd908d532eb0c6adc38b7ca7331dce"
    "8dfce39ab71e7c32d318d136b6100671a1ae6a6600e3899f31f0eed19e3417d1"
    "34b90c9058f8632c798d4490da4987307cba922d61c39805d072b589bd52fdf1"
    "e86215c2d54e6670e07383a27bbffb5addf47d66aa85a0c6f9f32e59d85a44dd"
    "5d3b22dc2be80919b490437ae4f36a0ae55edf1d0b5cb4e9a3ecabee93dfc6e3"
    "8d209d0fa6536d27a5d6fbb17641cde27525d61093f1b28072d111b2b4ae5f89"
    "d5974ee12e5cf7d5da4d6a31123041f33e61407e76cffcdcfd7e19ba58cf4b53"
    "6f4c4938ae79324dc402894b44faf8afbab35282ab659d13c93f70412e85cb19"
    "9a37ddec600545473cfb5a05e08d0b209973b2172b4d21fb69745a262ccde96b"
    "a18b2faa745b6fe189cf772a9f84cbfc";
static const char rfc9369_a2_crypto[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";

static const char draft29_a2_packet[] =
    "c5ff00001d088394c8f03e5157080000449e4a95245bfb66bc5f93032b7ddd89"
    "fe0ff15d9c4f7050fccdb71c1cd80512d4431643a53aafa1b0b518b44968b18b"
    "8d3e7a4d04c30b3ed9410325b2abb2dafb1c12f8b70479eb8df98abcaf95dd8f"
    "3d1c78660fbc719f88b23c8aef6771f3d50e10fdfb4c9d92386d44481b6c52d5"
    "9e5538d3d3942de9f13a7f8b702dc31724180da9df22714d01003fc5e3d165c9"
    "50e630b8540fbd81c9df0ee63f94997026c4f2e1887a2def79050ac2d86ba318"
    "e0b3adc4c5aa18bcf63c7cf8e85f569249813a2236a7e72269447cd1c755e451"
    "f5e77470eb3de64c8849d292820698029cfa18e5d66176fe6e5ba4ed18026f90"
    "900a5b4980e2f58e39151d5cd685b10929636d4f02e7fad2a5a458249f5c0298"
    "a6d53acbe41a7fc83fa7cc01973f7a74d1237a51974e097636b6203997f921d0"
    "7bc1940a6f2d0de9f5a11432946159ed6cc21df65c4ddd1115f86427259a196c"
    "7148b25b6478b0dc7766e1c4d1b1f5159f90eabc61636226244642ee148b464c"
    "9e619ee50a5e3ddc836227cad938987c4ea3c1fa7c75bbf88d89e9ada642b2b8"
    "8fe8107b7ea375b1b64889a4e9e5c38a1c896ce275a5658d250e2d76e1ed3a34"
    "ce7e3a3f383d0c996d0bed106c2899ca6fc263ef0455e74bb6ac1640ea7bfedc"
    "59f03fee0e1725ea150ff4d69a7660c5542119c71de270ae7c3ecfd1af2c4ce5"
    "51986949cc34a66b3e216bfe18b347e6c05fd050f85912db303a8f054ec23e38"
    "f44d1c725ab641ae929fecc8e3cefa5619df4231f5b4c009fa0c0bbc60bc75f7"
    "6d06ef154fc8577077d9d6a1d2bd9bf081dc783ece60111bea7da9e5a9748069"
    "d078b2bef48de04cabe3755b197d52b32046949ecaa310274b4aac0d008b1948"
    "c1082cdfe2083e386d4fd84c0ed0666d3ee26c4515c4fee73433ac703b690a9f"
    "7bf278a77486ace44c489a0c7ac8dfe4d1a58fb3a730b993ff0f0d61b4d89557"
    "831eb4c752ffd39c10f6b9f46d8db278da624fd800e4af85548a294c1518893a"
    "8778c4f6d6d73c93df200960104e062b388ea97dcf4016bced7f62b4f062cb6c"
    "04c20693d9a0e3b74ba8fe74cc01237884f40d765ae56a51688d985cf0ceaef4"
    "3045ed8c3f0c33bced08537f6882613acd3b08d665fce9dd8aa73171e2d3771a"
    "61dba2790e491d413d93d987e2745af29418e428be34941485c93447520ffe23"
    "1da2304d6a0fd5d07d0837220236966159bef3cf904d722324dd852513df39ae"
    "030d8173908da6364786d3c1bfcb19ea77a63b25f1e7fc661def480c5d00d444"
    "56269ebd84efd8e3a8b2c257eec76060682848cbf5194bc99e49ee75e4d0d254"
    "bad4bfd74970c30e44b65511d4ad0e6ec7398e08e01307eeeea14e46ccd87cf3"
    "6b285221254d8fc6a6765c524ded0085dca5bd688ddf722e2c0faf9d0fb2ce7a"
    "0c3f2cee19ca0ffba461ca8dc5d2c8178b0762cf67135558494d2a96f1a139f0"
    "edb42d2af89a9c9122b07acbc29e5e722df8615c343702491098478a389c9872"
    "a10b0c9875125e257c7bfdf27eef4060bd3d00f4c14fd3e3496c38d3c5d1a566"
    "8c39350effbc2d16ca17be4ce29f02ed969504dda2a8c6b9ff919e693ee79e09"
    "089316e7d1d89ec099db3b2b268725d888536a4b8bf9aee8fb43e82a4d919d48"
    "43b1ca70a2d8d3f725ead1391377dcc0";
static const char draft29_a2_crypto[] =
    "060040c4010000c003036660261ff947cea49cce6cfad687f457cf1b14531ba1"
    "4131a0e8f309a1d0b9c4000006130113031302010000910000000b0009000006"
    "736572766572ff01000100000a00140012001d00170018001901000101010201"
    "03010400230000003300260024001d00204cfdfcd178b784bf328cae793b136f"
    "2aedce005ff183d7bb1495207236647037002b0003020304000d0020001e0403"
    "05030603020308040805080604010501060102010402050206020202002d0002"
    "0101001c00024001";

static const char draft27_a2_packet[] =
    "c0ff00001b088394c8f03e5157080000449e3b343aa8535064a4268a0d9d7b1c"
    "9d250ae355162276e9b1e3011ef6bbc0ab48ad5bcc2681e953857ca62becd752"
    "4daac473e68d7405fbba4e9ee616c87038bdbe908c06d9605d9ac49030359eec"
    "b1d05a14e117db8cede2bb09d0dbbfee271cb374d8f10abec82d0f59a1dee29f"
    "e95638ed8dd41da07487468791b719c55c46968eb3b54680037102a28e53dc1d"
    "12903db0af5821794b41c4a93357fa59ce69cfe7f6bdfa629eef78616447e1d6"
    "11c4baf71bf33febcb03137c2c75d25317d3e13b684370f668411c0f00304b50"
    "1c8fd422bd9b9ad81d643b20da89ca0525d24d2b142041cae0af205092e43008"
    "0cd8559ea4c5c6e4fa3f66082b7d303e52ce0162baa958532b0bbc2bc785681f"
    "cf37485dff6595e01e739c8ac9efba31b985d5f656cc092432d781db95221724"
    "87641c4d3ab8ece01e39bc85b15436614775a98ba8fa12d46f9b35e2a55eb72d"
    "7f85181a366663387ddc20551807e007673bd7e26bf9b29b5ab10a1ca87cbb7a"
    "d97e99eb66959c2a9bc3cbde4707ff7720b110fa95354674e395812e47a0ae53"
    "b464dcb2d1f345df360dc227270c750676f6724eb479f0d2fbb6124429990457"
    "ac6c9167f40aab739998f38b9eccb24fd47c8410131bf65a52af841275d5b3d1"
    "880b197df2b5dea3e6de56ebce3ffb6e9277a82082f8d9677a6767089b671ebd"
    "244c214f0bde95c2beb02cd1172d58bdf39dce56ff68eb35ab39b49b4eac7c81"
    "5ea60451d6e6ab82119118df02a586844a9ffe162ba006d0669ef57668cab38b"
    "62f71a2523a084852cd1d079b3658dc2f3e87949b550bab3e177cfc49ed190df"
    "f0630e43077c30de8f6ae081537f1e83da537da980afa668e7b7fb25301cf741"
    "524be3c49884b42821f17552fbd1931a813017b6b6590a41ea18b6ba49cd48a4"
    "40bd9a3346a7623fb4ba34a3ee571e3c731f35a7a3cf25b551a680fa68763507"
    "b7fde3aaf023c50b9d22da6876ba337eb5e9dd9ec3daf970242b6c5aab3aa4b2"
    "96ad8b9f6832f686ef70fa938b31b4e5ddd7364442d3ea72e73d668fb0937796"
    "f462923a81a47e1cee7426ff6d9221269b5a62ec03d6ec94d12606cb485560ba"
    "b574816009e96504249385bb61a819be04f62c2066214d8360a2022beb316240"
    "b6c7d78bbe56c13082e0ca272661210abf020bf3b5783f1426436cf9ff418405"
    "93a5d0638d32fc51c5c65ff291a3a7a52fd6775e623a4439cc08dd25582febc9"
    "44ef92d8dbd329c91de3e9c9582e41f17f3d186f104ad3f90995116c682a2a14"
    "a3b4b1f547c335f0be710fc9fc03e0e587b8cda31ce65b969878a4ad4283e6d5"
    "b0373f43da86e9e0ffe1ae0fddd3516255bd74566f36a38703d5f34249ded1f6"
    "6b3d9b45b9af2ccfefe984e13376b1b2c6404aa48c8026132343da3f3a33659e"
    "c1b3e95080540b28b7f3fcd35fa5d843b579a84c089121a60d8c1754915c344e"
    "eaf45a9bf27dc0c1e78416169122091313eb0e87555abd706626e557fc36a04f"
    "cd191a58829104d6075c5594f627ca506bf181daec940f4a4f3af0074eee89da"
    "acde6758312622d4fa675b39f728e062d2bee680d8f41a597c262648bb18bcfc"
    "13c8b3d97b1a77b2ac3af745d61a34cc4709865bac824a94bb19058015e4e42d"
    "38d3b779d72edc00c5cd088eff802b05";
static const char draft27_a2_crypto[] =
    "060040c4010000c003036660261ff947cea49cce6cfad687f457cf1b14531ba1"
    "4131a0e8f309a1d0b9c4000006130113031302010000910000000b0009000006"
    "736572766572ff01000100000a00140012001d00170018001901000101010201"
    "03010400230000003300260024001d00204cfdfcd178b784bf328cae793b136f"
    "2aedce005ff183d7bb1495207236647037002b0003020304000d0020001e0403"
    "05030603020308040805080604010501060102010402050206020202002d0002"
    "0101001c00024001";

static const char v2draft07_a2_packet[] =
    "dd709a50c4088394c8f03e5157080000449e4391d84823b8e610589c83c92d0e"
    "97eb7a6e5003f57764c5c7f0095ba54b90818f1bfeecc1c97c54fc731edbd2a2"
    "44e3b1e639a9bc75ed545b98649343b253615ec6b3e4df0fd2e7fe9d691a09e6"
    "a144b436d8a2c088a404262340dfd995ec3865694e3026ecd8c6d2561a5a3667"
    "2a1005018168c0f081c10e2bf14d550c977e28bb9a759c57d0f7ffb1cdfb40bd"
    "774dec589657542047dffefa56fc8089a4d1ef379c81ba3df71a05ddc7928340"
    "775910feb3ce4cbcfd8d253edd05f161458f9dc44bea017c3117cca7065a315d"
    "eda9464e672ec80c3f79ac993437b441ef74227ecc4dc9d597f66ab0ab8d214b"
    "55840c70349d7616cbe38e5e1d052d07f1fedb3dd3c4d8ce295724945e67ed2e"
    "efcd9fb52472387f318e3d9d233be7dfc79d6bf6080dcbbb41feb180d7858849"
    "7c3e439d38c334748d2b56fd19ab364d057a9bd5a699ae145d7fdbc8f5777518"
    "1b0a97c3bdedc91a555d6c9b8634e106d8c9ca45a9d5450a7679edc545da9102"
    "5bc93a7cf9a023a066ffadb9717ffaf3414c3b646b5738b3cc4116502d18d79d"
    "8227436306d9b2b3afc6c785ce3c817feb703a42b9c83b59f0dcef1245d0b3e4"
    "0299821ec19549ce489714fe2611e72cd882f4f70dce7d3671296fc045af5c9f"
    "630d7b49a3eb821bbca60f1984dce66491713bfe06001a56f51bb3abe92f7960"
    "547c4d0a70f4a962b3f05dc25a34bbe830a7ea4736d3b0161723500d82beda9b"
    "e3327af2aa413821ff678b2a876ec4b00bb605ffcc3917ffdc279f187daa2fce"
    "8cde121980bba8ec8f44ca562b0f131914c901cfbd847408b778e6738c7bb5b1"
    "b3f97d01b0a24dcca40e3bed29411b1ba8f60843c4a241021b23132b9500509b"
    "9a3516d4a9dd41d3bacbcd426b451393521828afedcf20fa46ac24f44a8e2973"
    "30b16705d5d5f798eff9e9134a06597987a1db4617caa2d93837730829d4d89e"
    "16413be4d8a8a38a7e6226623b64a820178ec3a66954e10710e043ae73dd3fb2"
    "715a0525a46343fb7590e5eac7ee55fc810e0d8b4b8f7be82cd5a214575a1b99"
    "629d47a9b281b61348c8627cab38e2a64db6626e97bb8f77bdcb0fee476aedd7"
    "ba8f5441acaab00f4432edab3791047d9091b2a753f035648431f6d12f7d6a68"
    "1e64c861f4ac911a0f7d6ec0491a78c9f192f96b3a5e7560a3f056bc1ca85983"
    "67ad6acb6f2e034c7f37beeb9ed470c4304af0107f0eb919be36a86f68f37fa6"
    "1dae7aff14decd67ec3157a11488a14fed0142828348f5f608b0fe03e1f3c0af"
    "3acca0ce36852ed42e220ae9abf8f8906f00f1b86bff8504c8f16c784fd52d25"
    "e013ff4fda903e9e1eb453c1464b11966db9b28e8f26a3fc419e6a60a48d4c72"
    "14ee9c6c6a12b68a32cac8f61580c64f29cb6922408783c6d12e725b014fe485"
    "cd17e484c5952bf99bc94941d4b1919d04317b8aa1bd3754ecbaa10ec227de85"
    "40695bf2fb8ee56f6dc526ef366625b91aa4970b6ffa5c8284b9b5ab852b905f"
    "9d83f5669c0535bc377bcc05ad5e48e281ec0e1917ca3c6a471f8da0894bc82a"
    "c2a8965405d6eef3b5e293a88fda203f09bdc72757b107ab14880eaa3ef7045b"
    "580f4821ce6dd325b5a90655d8c5b55f76fb846279a9b518c5e9b9a21165c509"
    "3ed49baaacadf1f21873266c767f6769";
static const char v2draft07_a2_crypto[] =
    "060040f1010000ed0303ebf8fa56f12939b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c00000413011302010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a00080006001d00170018001000070005"
    "04616c706e000500050100000000003300260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce15d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff05048000ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806048000ffff";
static const uint8_t vec_dcid[8] = {0x83, 0x94, 0xc8, 0xf0,
                                    0x3e, 0x51, 0x57, 0x08};

/* Decodes hex into a malloc'd buffer. */
static uint8_t *
unhex(const char *s, size_t *len)
{
    size_t n = strlen(s), i;
    uint8_t *b;

    ck_assert_uint_eq(n % 2, 0);
    b = malloc(n / 2 + 1);
    ck_assert_ptr_nonnull(b);
    for (i = 0; i < n / 2; i++) {
        unsigned v;

        ck_assert_int_eq(sscanf(s + 2 * i, "%2x", &v), 1);
        b[i] = (uint8_t)v;
    }
    *len = n / 2;
    return b;
}

/* ---- the client side, with libcrypto ---- */

struct tkeys {
    uint8_t key[16], iv[12], hp[16];
};

static bool
is_v2(uint32_t v)
{
    return v == QUIC_V2 || v == QUIC_V2_DRAFT;
}

static void
salt_of(uint32_t v, uint8_t salt[20])
{
    const char *hex;
    uint8_t *b;
    size_t n;

    switch (v) {
    case QUIC_V1:
    case QUIC_DRAFT33:
    case QUIC_DRAFT34:
        hex = "38762cf7f55934b34d179ae6a4c80cadccbb7f0a";
        break;
    case QUIC_V2:
        hex = "0dede3def700a6db819381be6e269dcbf9bd2ed9";
        break;
    case QUIC_V2_DRAFT:
        hex = "a707c203a59b47184a1d62ca570406ea7ae3e5d3";
        break;
    case QUIC_DRAFT27:
    case QUIC_DRAFT28:
        hex = "c3eef712c72ebb5a11a7d2432bb46365bef9f502";
        break;
    default:
        hex = "afbfec289993d24c9e9786f19c6111e04390a899";
        break;
    }
    b = unhex(hex, &n);
    memcpy(salt, b, 20);
    free(b);
}

static void
hkdf(int mode, const uint8_t *key, size_t klen, const uint8_t *salt,
     const uint8_t *info, size_t ilen, uint8_t *out, size_t olen)
{
    static const uint8_t empty[1] = {0};
    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kc = EVP_KDF_CTX_new(kdf);
    OSSL_PARAM prm[6], *p = prm;

    ck_assert_ptr_nonnull(kc);
    *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
                                            (char *)"SHA256", 0);
    *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
    *p++ = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_KEY, (void *)(klen ? key : empty), klen);
    if (salt != NULL)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
                                                 (void *)salt, 20);
    if (info != NULL)
        *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
                                                 (void *)info, ilen);
    *p = OSSL_PARAM_construct_end();
    ck_assert_int_eq(EVP_KDF_derive(kc, out, olen, prm), 1);
    EVP_KDF_CTX_free(kc);
    EVP_KDF_free(kdf);
}

static void
expand_label(const uint8_t secret[32], const char *label, uint8_t *out,
             size_t olen)
{
    uint8_t info[64];
    size_t l = strlen(label), n = 0;

    info[n++] = 0;
    info[n++] = (uint8_t)olen;
    info[n++] = (uint8_t)(6 + l);
    memcpy(info + n, "tls13 ", 6);
    n += 6;
    memcpy(info + n, label, l);
    n += l;
    info[n++] = 0;
    hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, 32, NULL, info, n, out, olen);
}

static void
derive(uint32_t v, const uint8_t *dcid, size_t dlen, struct tkeys *k)
{
    uint8_t salt[20], initial[32], client[32];

    salt_of(v, salt);
    hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, dcid, dlen, salt, NULL, 0, initial,
         32);
    expand_label(initial, "client in", client, 32);
    expand_label(client, is_v2(v) ? "quicv2 key" : "quic key", k->key, 16);
    expand_label(client, is_v2(v) ? "quicv2 iv" : "quic iv", k->iv, 12);
    expand_label(client, is_v2(v) ? "quicv2 hp" : "quic hp", k->hp, 16);
}

static size_t
put_varint(uint8_t *p, uint64_t v)
{
    if (v < 64) {
        p[0] = (uint8_t)v;
        return 1;
    }
    if (v < 16384) {
        p[0] = (uint8_t)(0x40 | v >> 8);
        p[1] = (uint8_t)v;
        return 2;
    }
    if (v < (UINT64_C(1) << 30)) {
        p[0] = (uint8_t)(0x80 | v >> 24);
        p[1] = (uint8_t)(v >> 16);
        p[2] = (uint8_t)(v >> 8);
        p[3] = (uint8_t)v;
        return 4;
    }
    p[0] = (uint8_t)(0xc0 | v >> 56);
    for (int i = 1; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * (7 - i)));
    return 8;
}

/* A protected client Initial of version v: DCID dcid, empty SCID and
 * token, packet number pn in pn_len bytes, the payload (at least
 * 4 - pn_len bytes) protected as RFC 9001 §5.3-5.4 say. Returns its size;
 * out needs plen + 80 bytes. */
static size_t
enc_initial(uint8_t *out, uint32_t v, const uint8_t *dcid, size_t dlen,
            uint64_t pn, size_t pn_len, const uint8_t *pl, size_t plen)
{
    struct tkeys k;
    uint8_t nonce[12], mask[32];
    size_t n = 0, pn_off, i;
    int outl;
    EVP_CIPHER_CTX *cx = EVP_CIPHER_CTX_new();

    ck_assert(pn_len >= 1 && pn_len <= 4 && plen + pn_len >= 4);
    ck_assert(pn_len + plen + 16 < 16384);
    derive(v, dcid, dlen, &k);
    out[n++] = (uint8_t)(0xc0 | (is_v2(v) ? 0x10 : 0) | (pn_len - 1));
    out[n++] = (uint8_t)(v >> 24);
    out[n++] = (uint8_t)(v >> 16);
    out[n++] = (uint8_t)(v >> 8);
    out[n++] = (uint8_t)v;
    out[n++] = (uint8_t)dlen;
    if (dlen > 0)
        memcpy(out + n, dcid, dlen);
    n += dlen;
    out[n++] = 0; /* SCID */
    out[n++] = 0; /* token */
    out[n++] = (uint8_t)(0x40 | (pn_len + plen + 16) >> 8);
    out[n++] = (uint8_t)(pn_len + plen + 16);
    pn_off = n;
    for (i = 0; i < pn_len; i++)
        out[n++] = (uint8_t)(pn >> (8 * (pn_len - 1 - i)));
    memcpy(nonce, k.iv, 12);
    for (i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
    ck_assert_int_eq(
        EVP_EncryptInit_ex(cx, EVP_aes_128_gcm(), NULL, k.key, nonce), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(cx, NULL, &outl, out, (int)n), 1);
    ck_assert_int_eq(EVP_EncryptUpdate(cx, out + n, &outl, pl, (int)plen), 1);
    ck_assert_int_eq(EVP_EncryptFinal_ex(cx, out + n + plen, &outl), 1);
    ck_assert_int_eq(
        EVP_CIPHER_CTX_ctrl(cx, EVP_CTRL_GCM_GET_TAG, 16, out + n + plen), 1);
    ck_assert_int_eq(
        EVP_EncryptInit_ex(cx, EVP_aes_128_ecb(), NULL, k.hp, NULL), 1);
    EVP_CIPHER_CTX_set_padding(cx, 0);
    ck_assert_int_eq(EVP_EncryptUpdate(cx, mask, &outl, out + pn_off + 4, 16),
                     1);
    EVP_CIPHER_CTX_free(cx);
    out[0] ^= mask[0] & 0x0f;
    for (i = 0; i < pn_len; i++)
        out[pn_off + i] ^= mask[1 + i];
    return n + plen + 16;
}

/* A payload under construction (or a datagram: same shape). */
struct pl {
    uint8_t b[70000];
    size_t n;
};

static struct pl *
pl_new(void)
{
    struct pl *p = calloc(1, sizeof(*p));

    ck_assert_ptr_nonnull(p);
    return p;
}

/* Appends a protected v1 Initial (DCID vec_dcid) of payload p to dg. */
static void
add_pkt(struct pl *dg, uint64_t pn, const struct pl *p)
{
    ck_assert(dg->n + p->n + 80 <= sizeof(dg->b));
    dg->n +=
        enc_initial(dg->b + dg->n, QUIC_V1, vec_dcid, 8, pn, 4, p->b, p->n);
}

static void
add_crypto(struct pl *p, uint64_t off, const uint8_t *d, size_t len)
{
    ck_assert(p->n + len + 20 <= sizeof(p->b));
    p->b[p->n++] = 0x06;
    p->n += put_varint(p->b + p->n, off);
    p->n += put_varint(p->b + p->n, len);
    memcpy(p->b + p->n, d, len);
    p->n += len;
}

static void
add_bytes(struct pl *p, const char *hex)
{
    size_t n;
    uint8_t *b = unhex(hex, &n);

    ck_assert(p->n + n <= sizeof(p->b));
    memcpy(p->b + p->n, b, n);
    p->n += n;
    free(b);
}

/* A ClientHello of total size n (header included), patterned body. */
static uint8_t *
make_hello(size_t n)
{
    uint8_t *h = malloc(n);
    size_t i;

    ck_assert_ptr_nonnull(h);
    h[0] = 1;
    h[1] = (uint8_t)((n - 4) >> 16);
    h[2] = (uint8_t)((n - 4) >> 8);
    h[3] = (uint8_t)(n - 4);
    for (i = 4; i < n; i++)
        h[i] = (uint8_t)(i * 7 + (i >> 8));
    return h;
}

static void
assert_hello(const struct quic_conn *c, const uint8_t *hello, size_t n)
{
    size_t len;
    const uint8_t *b = quic_client_hello(c, &len);

    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(len, n - 4);
    ck_assert_msg(memcmp(b, hello + 4, n - 4) == 0, "hello differs");
}

static void
add_padding(struct pl *p, size_t n)
{
    ck_assert(p->n + n <= sizeof(p->b));
    memset(p->b + p->n, 0, n);
    p->n += n;
}

static void
assert_hex(const uint8_t *b, const char *hex)
{
    size_t n;
    uint8_t *want = unhex(hex, &n);

    ck_assert_msg(memcmp(b, want, n) == 0, "differs from %s", hex);
    free(want);
}

static struct quic_crypto *
new_crypto(void)
{
    struct quic_crypto *qc = quic_crypto_new();

    ck_assert_ptr_nonnull(qc);
    return qc;
}

/* ---- the documents' vectors ---- */

struct vector {
    const char *name;
    uint32_t version;
    const char *packet, *crypto;
};

static const struct vector vectors[] = {
    {"RFC 9001 A.2", QUIC_V1, rfc9001_a2_packet, rfc9001_a2_crypto},
    {"RFC 9369 A.2", QUIC_V2, rfc9369_a2_packet, rfc9369_a2_crypto},
    {"draft-ietf-quic-tls-29 A.2", QUIC_DRAFT29, draft29_a2_packet,
     draft29_a2_crypto},
    {"draft-ietf-quic-tls-27 A.2", QUIC_DRAFT27, draft27_a2_packet,
     draft27_a2_crypto},
    {"draft-ietf-quic-v2-07 A.2", QUIC_V2_DRAFT, v2draft07_a2_packet,
     v2draft07_a2_crypto},
};

/* The keys of Appendix A.1 (client side) of each document. */
START_TEST(initial_keys)
{
    static const struct {
        uint32_t v;
        const char *key, *iv, *hp;
    } want[] = {
        {QUIC_V1, "1f369613dd76d5467730efcbe3b1a22d",
         "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2"},
        {QUIC_V2, "8b1a0bc121284290a29e0971b5cd045d",
         "91f73e2351d8fa91660e909f", "45b95e15235d6f45a6b19cbcb0294ba9"},
        {QUIC_DRAFT29, "175257a31eb09dea9366d8bb79ad80ba",
         "6b26114b9cba2b63a9e8dd4f", "9ddd12c994c0698b89374a9c077a3077"},
        {QUIC_DRAFT27, "af7fd7efebd21878ff66811248983694",
         "8681359410a70bb9c92f0420", "a980b8b4fb7d9fbc13e814c23164253d"},
        {QUIC_V2_DRAFT, "95df2be2e8d549c82e996fc9339f4563",
         "ea5e3c95f933db14b7020ad8", "091efb735702447d07908f6501845794"},
    };
    struct tkeys k;
    size_t i;

    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        derive(want[i].v, vec_dcid, 8, &k);
        assert_hex(k.key, want[i].key);
        assert_hex(k.iv, want[i].iv);
        assert_hex(k.hp, want[i].hp);
    }
}
END_TEST

/* The test's own client protects the documents' payloads into exactly the
 * documents' packets (so the packets it makes below are sound). */
START_TEST(encoder_matches_vectors)
{
    const struct vector *v = &vectors[_i];
    struct pl *p = pl_new();
    uint8_t *want, *got = malloc(1300);
    size_t wn;

    want = unhex(v->packet, &wn);
    add_bytes(p, v->crypto);
    add_padding(p, 1162 - p->n);
    ck_assert_uint_eq(
        enc_initial(got, v->version, vec_dcid, 8, 2, 4, p->b, p->n), wn);
    ck_assert_msg(memcmp(got, want, wn) == 0, "%s: packet differs", v->name);
    free(want);
    free(got);
    free(p);
}
END_TEST

START_TEST(vector_client_initial)
{
    struct quic_crypto *qc = new_crypto();
    const struct vector *v = &vectors[_i];
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *pkt, *frame;
    size_t n, fn, len;
    const uint8_t *body;

    ck_assert_ptr_nonnull(c);
    pkt = unhex(v->packet, &n);
    frame = unhex(v->crypto, &fn);
    ck_assert(quic_is_client_initial(pkt, n));
    ck_assert(quic_looks_quic(pkt, n));
    ck_assert_int_eq(quic_client_datagram(c, pkt, n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    body = quic_client_hello(c, &len);
    ck_assert_ptr_nonnull(body);
    /* The frame: 06, offset 00, length 40xx; then the 4-byte header. */
    ck_assert_uint_eq(len + 8, fn);
    ck_assert_msg(memcmp(body, frame + 8, len) == 0, "%s: hello differs",
                  v->name);
    ck_assert_uint_eq(quic_conn_version(c), v->version);
    if (v->version == QUIC_V1 || v->version == QUIC_V2)
        assert_hex(body - 4, "010000ed0303ebf8fa56f129");
    /* Done: the same datagram again is only classified. */
    ck_assert_int_eq(quic_client_datagram(c, pkt, n), QUIC_SEEN_LONG);
    ck_assert_ptr_eq(quic_client_hello(c, &len), body);
    quic_conn_free(c);
    free(pkt);
    free(frame);
    quic_crypto_free(qc);
}
END_TEST

/* ---- reassembly ---- */

/* 3000 bytes in CRYPTO frames over four packets, out of order, with an
 * overlap and a repeat, two packets coalesced and a short-header packet
 * after the last one. */
START_TEST(reassembly_out_of_order)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(3000);
    struct pl *p = pl_new(), *dg = pl_new();
    int bits;

    /* dg1 = P3: [0,500), repeat of [1100,1700), an ACK, padding */
    add_crypto(p, 0, h, 500);
    add_crypto(p, 1100, h + 1100, 600);
    add_bytes(p, "0200000000");
    add_padding(p, 100);
    add_pkt(dg, 2, p);
    bits = quic_client_datagram(c, dg->b, dg->n);
    ck_assert_int_eq(bits, QUIC_SEEN_LONG | QUIC_SEEN_INITIAL);
    ck_assert_ptr_null(quic_client_hello(c, NULL));

    /* dg2 = P1 + P2 coalesced */
    dg->n = 0;
    p->n = 0;
    add_crypto(p, 2300, h + 2300, 700);
    add_crypto(p, 1100, h + 1100, 600);
    add_pkt(dg, 0, p);
    p->n = 0;
    add_bytes(p, "01");
    add_crypto(p, 400, h + 400, 400);
    add_crypto(p, 1700, h + 1700, 600);
    add_pkt(dg, 1, p);
    bits = quic_client_datagram(c, dg->b, dg->n);
    ck_assert_int_eq(bits, QUIC_SEEN_LONG | QUIC_SEEN_INITIAL);
    ck_assert_ptr_null(quic_client_hello(c, NULL));

    /* dg3 = P4 [500,1100) then a short-header packet (never parsed) */
    dg->n = 0;
    p->n = 0;
    add_crypto(p, 500, h + 500, 600);
    add_pkt(dg, 3, p);
    add_bytes(dg, "41ffffffffffffffffffffffffffffffffffffffffffffffff");
    bits = quic_client_datagram(c, dg->b, dg->n);
    ck_assert_int_eq(bits,
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    assert_hello(c, h, 3000);
    /* The first frame said 3000 bytes: the buffer is that, no more. */
    ck_assert_uint_ge(quic_conn_memory(c), 3000);
    ck_assert_uint_lt(quic_conn_memory(c), 3000 + 1024);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* 100-byte frames, one packet each, last to first: the start of the stream
 * comes last, and the buffer grows as the data comes. */
START_TEST(reassembly_reverse)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(3000);
    struct pl *p = pl_new(), *dg = pl_new();
    int i, bits = 0;

    for (i = 29; i >= 0; i--) {
        p->n = dg->n = 0;
        add_crypto(p, (uint64_t)i * 100, h + i * 100, 100);
        add_pkt(dg, (uint64_t)(29 - i), p);
        bits = quic_client_datagram(c, dg->b, dg->n);
        ck_assert_int_eq(bits & QUIC_HELLO_DONE, i == 0 ? QUIC_HELLO_DONE : 0);
        ck_assert(!(bits & QUIC_BAD));
    }
    assert_hello(c, h, 3000);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* After a Retry the client's next Initials use the Retry's SCID as DCID
 * and carry the same ClientHello; the packet numbers go on. */
START_TEST(retry_new_dcid)
{
    struct quic_crypto *qc = new_crypto();
    static const uint8_t dcid2[5] = {0xa1, 0xb2, 0xc3, 0xd4, 0xe5};
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(3000), *retry;
    struct pl *p = pl_new(), *dg = pl_new();
    size_t rn;

    add_crypto(p, 0, h, 1000);
    add_pkt(dg, 0, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL);
    /* v1 Retry: DCID = the client's SCID (empty), SCID a1b2c3d4e5, a
     * token, the 16-byte integrity tag. */
    retry = unhex("f00000000100"
                  "05a1b2c3d4e5"
                  "746f6b656e"
                  "00112233445566778899aabbccddeeff",
                  &rn);
    ck_assert_int_eq(quic_client_datagram(c, retry, rn),
                     QUIC_SEEN_LONG | QUIC_SEEN_RETRY);
    dg->n = 0;
    p->n = 0;
    add_crypto(p, 0, h, 1500);
    dg->n = enc_initial(dg->b, QUIC_V1, dcid2, 5, 1, 2, p->b, p->n);
    p->n = 0;
    add_crypto(p, 1500, h + 1500, 1500);
    dg->n += enc_initial(dg->b + dg->n, QUIC_V1, dcid2, 5, 2, 1, p->b, p->n);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    assert_hello(c, h, 3000);
    quic_conn_free(c);
    free(retry);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* A zero-length DCID (legal after a Retry with an empty SCID). */
START_TEST(empty_dcid)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(600);
    struct pl *p = pl_new(), *dg = pl_new();

    add_crypto(p, 0, h, 600);
    dg->n = enc_initial(dg->b, QUIC_V1, NULL, 0, 0, 4, p->b, p->n);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    assert_hello(c, h, 600);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* Packet numbers 250..265 sent in one byte, 257 before 255 and 256: the
 * full numbers must be reconstructed from the largest seen (RFC 9000 A.3),
 * across the 256 boundary both ways, or the nonce and so the tag is
 * wrong. */
START_TEST(packet_number_reconstruction)
{
    struct quic_crypto *qc = new_crypto();
    static const uint64_t order[16] = {250, 251, 252, 253, 254, 257, 255, 256,
                                       258, 259, 260, 261, 262, 263, 264, 265};
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(1600);
    struct pl *p = pl_new(), *dg = pl_new();
    uint64_t pn;
    int bits = 0, i;

    for (i = 0; i < 16; i++) {
        pn = order[i];
        p->n = 0;
        add_crypto(p, (pn - 250) * 100, h + (pn - 250) * 100, 100);
        dg->n = enc_initial(dg->b, QUIC_V1, vec_dcid, 8, pn, 1, p->b, p->n);
        bits = quic_client_datagram(c, dg->b, dg->n);
        ck_assert_msg(bits & QUIC_SEEN_INITIAL, "pn %u did not decrypt",
                      (unsigned)pn);
    }
    ck_assert(bits & QUIC_HELLO_DONE);
    assert_hello(c, h, 1600);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* Every version: the client's packets made with its salt and labels. */
START_TEST(every_version)
{
    struct quic_crypto *qc = new_crypto();
    static const uint32_t vs[] = {QUIC_V1,      QUIC_V2,      QUIC_V2_DRAFT,
                                  QUIC_DRAFT27, QUIC_DRAFT28, QUIC_DRAFT29,
                                  QUIC_DRAFT30, QUIC_DRAFT31, QUIC_DRAFT32,
                                  QUIC_DRAFT33, QUIC_DRAFT34};
    uint8_t *h = make_hello(2000);
    struct pl *p = pl_new(), *dg = pl_new();
    size_t i;

    for (i = 0; i < sizeof(vs) / sizeof(vs[0]); i++) {
        struct quic_conn *c = quic_conn_new(qc);

        p->n = 0;
        add_crypto(p, 0, h, 2000);
        dg->n = enc_initial(dg->b, vs[i], vec_dcid, 8, 0, 4, p->b, p->n);
        ck_assert(quic_is_client_initial(dg->b, dg->n));
        ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                         QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
        ck_assert_uint_eq(quic_conn_version(c), vs[i]);
        assert_hello(c, h, 2000);
        quic_conn_free(c);
    }
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* A ClientHello of exactly TLS_HELLO_MAX over 60 packets. */
START_TEST(largest_hello)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    size_t total = TLS_HELLO_MAX + 4, off;
    uint8_t *h = make_hello(total);
    struct pl *p = pl_new(), *dg = pl_new();
    uint64_t pn = 0;
    int bits = 0;

    for (off = 0; off < total; off += 1100) {
        size_t k = total - off < 1100 ? total - off : 1100;

        ck_assert(!(bits & QUIC_HELLO_DONE));
        p->n = dg->n = 0;
        add_crypto(p, off, h + off, k);
        add_pkt(dg, pn++, p);
        bits = quic_client_datagram(c, dg->b, dg->n);
        ck_assert(bits & QUIC_SEEN_INITIAL);
    }
    ck_assert(bits & QUIC_HELLO_DONE);
    assert_hello(c, h, total);
    ck_assert_uint_lt(quic_conn_memory(c), total + 1024);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* ACK, ACK with ECN counts and CONNECTION_CLOSE frames are skipped. */
START_TEST(other_frames)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(800);
    struct pl *p = pl_new(), *dg = pl_new();

    add_bytes(p, "02"
                 "05"
                 "00"
                 "01"
                 "00"
                 "01"
                 "02"); /* ACK, 1 range */
    add_bytes(p, "03"
                 "05"
                 "00"
                 "00"
                 "00"
                 "01"
                 "02"
                 "4003"); /* ECN */
    add_bytes(p, "01");   /* PING */
    add_bytes(p, "1c"
                 "00"
                 "00"
                 "03"
                 "616263"); /* CLOSE */
    add_bytes(p, "1d"
                 "4001"
                 "00"); /* CLOSE (app) */
    add_crypto(p, 0, h, 800);
    add_pkt(dg, 0, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    assert_hello(c, h, 800);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* A frame an Initial may not carry ends the packet (QUIC_BAD) but what
 * came before it stays. */
START_TEST(forbidden_frame_keeps_prefix)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(3000);
    struct pl *p = pl_new(), *dg = pl_new();

    add_crypto(p, 0, h, 1500);
    add_bytes(p, "0800");                /* STREAM */
    add_crypto(p, 1500, h + 1500, 1500); /* never read */
    add_pkt(dg, 0, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_BAD);
    ck_assert_ptr_null(quic_client_hello(c, NULL));
    p->n = dg->n = 0;
    add_crypto(p, 1500, h + 1500, 1500);
    add_pkt(dg, 1, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    assert_hello(c, h, 3000);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* 40 disjoint pieces: the range table keeps 32 and drops the rest, which
 * a retransmission brings again. */
START_TEST(range_table_full)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(800);
    struct pl *p = pl_new(), *dg = pl_new();
    uint64_t pn = 0;
    int i, bits, round;

    for (round = 0; round < 3; round++) {
        /* round 0: odd pieces; 1: even pieces; 2: odd pieces again */
        p->n = dg->n = 0;
        for (i = 0; i < 40; i++) {
            size_t at = (size_t)i * 20 + (round == 1 ? 0 : 10);

            add_crypto(p, at, h + at, 10);
        }
        add_pkt(dg, pn++, p);
        bits = quic_client_datagram(c, dg->b, dg->n);
        ck_assert_int_eq(bits & QUIC_HELLO_DONE,
                         round == 2 ? QUIC_HELLO_DONE : 0);
        ck_assert(!(bits & QUIC_BAD));
    }
    assert_hello(c, h, 800);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* ---- hostile ---- */

/* The RFC 9001 packet cut at every length, alone and as the second of two
 * coalesced packets: no crash, no hello. */
START_TEST(truncated_everywhere)
{
    struct quic_crypto *qc = new_crypto();
    size_t n, i, len;
    uint8_t *pkt = unhex(rfc9001_a2_packet, &n);
    uint8_t *h = make_hello(1000);
    struct pl *p = pl_new(), *dg = pl_new();

    for (i = 0; i < n; i++) {
        struct quic_conn *c = quic_conn_new(qc);

        int bits = quic_client_datagram(c, pkt, i);

        ck_assert_int_eq(bits, i > 0 ? QUIC_BAD : 0);
        ck_assert_ptr_null(quic_client_hello(c, &len));
        ck_assert_uint_eq(len, 0);
        quic_conn_free(c);
    }
    add_crypto(p, 0, h, 500);
    add_pkt(dg, 0, p);
    p->n = 0;
    add_crypto(p, 500, h + 500, 500);
    add_pkt(dg, 1, p);
    for (i = 0; i <= dg->n; i++) {
        struct quic_conn *c = quic_conn_new(qc);
        int bits = quic_client_datagram(c, dg->b, i);

        ck_assert_int_eq(bits & QUIC_HELLO_DONE,
                         i == dg->n ? QUIC_HELLO_DONE : 0);
        quic_conn_free(c);
    }
    free(pkt);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* A flipped bit in the tag, the ciphertext, or the header (AAD). */
START_TEST(bad_tag)
{
    struct quic_crypto *qc = new_crypto();
    static const size_t at[] = {1199, 600, 22, 0, 6, 13};
    size_t n, i;
    uint8_t *pkt = unhex(rfc9001_a2_packet, &n);

    for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        struct quic_conn *c = quic_conn_new(qc);
        int bits;

        pkt[at[i]] ^= 0x04;
        bits = quic_client_datagram(c, pkt, n);
        pkt[at[i]] ^= 0x04;
        ck_assert_msg(bits & QUIC_BAD, "byte %zu", at[i]);
        ck_assert(!(bits & QUIC_SEEN_INITIAL));
        ck_assert_ptr_null(quic_client_hello(c, NULL));
        /* The packet intact still works on the same connection. */
        ck_assert(quic_client_datagram(c, pkt, n) & QUIC_HELLO_DONE);
        quic_conn_free(c);
    }
    free(pkt);
    quic_crypto_free(qc);
}
END_TEST

/* The Length field one beyond the datagram, and a Length too short to hold
 * the header protection sample. */
START_TEST(length_out_of_range)
{
    struct quic_crypto *qc = new_crypto();
    size_t n;
    uint8_t *pkt = unhex(rfc9001_a2_packet, &n);
    struct quic_conn *c = quic_conn_new(qc);

    pkt[17] = 0x9f; /* 1183: the packet has 1182 after the field */
    ck_assert_int_eq(quic_client_datagram(c, pkt, n), QUIC_BAD);
    pkt[16] = 0x40;
    pkt[17] = 0x13; /* 19 < 4 + 16 */
    ck_assert_int_eq(quic_client_datagram(c, pkt, n) & QUIC_BAD, QUIC_BAD);
    ck_assert_ptr_null(quic_client_hello(c, NULL));
    quic_conn_free(c);
    free(pkt);
    quic_crypto_free(qc);
}
END_TEST

/* CRYPTO offsets: offset + length beyond 2^62 - 1 is malformed; a legal
 * offset past TLS_HELLO_MAX is ignored and allocates nothing; a frame
 * length beyond the packet is malformed; an 8-byte varint cut short. */
START_TEST(crypto_offsets)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    uint8_t *h = make_hello(700);
    struct pl *p = pl_new(), *dg = pl_new();
    size_t m0;

    add_bytes(p, "01");
    add_padding(p, 1000); /* the scratch space of all that follows */
    add_pkt(dg, 0, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL);
    m0 = quic_conn_memory(c);

    p->n = dg->n = 0;
    add_bytes(p, "06"
                 "fffffffffffffff0"
                 "4020"); /* 2^62-16 + 32 */
    add_padding(p, 295);
    add_pkt(dg, 1, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_BAD);

    p->n = dg->n = 0;
    add_crypto(p, (UINT64_C(1) << 62) - 40, h, 32); /* legal, far away */
    add_crypto(p, TLS_HELLO_MAX + 4, h, 100);       /* just past the cap */
    add_padding(p, 100);
    add_pkt(dg, 2, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL);
    ck_assert_uint_eq(quic_conn_memory(c), m0);

    p->n = dg->n = 0;
    add_bytes(p, "06"
                 "00"
                 "4400"
                 "0102"); /* 1024 bytes said, 2 there */
    add_padding(p, 10);
    add_pkt(dg, 3, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_BAD);

    p->n = dg->n = 0;
    add_bytes(p, "0006c0000000"); /* PADDING, CRYPTO, offset cut */
    add_pkt(dg, 4, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_BAD);

    p->n = dg->n = 0;
    add_bytes(p, "02"
                 "05"
                 "00"
                 "ffffffffffffffff"
                 "00"); /* ACK, 2^62 */
    add_pkt(dg, 5, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_BAD);

    /* Still works. */
    p->n = dg->n = 0;
    add_crypto(p, 0, h, 700);
    add_pkt(dg, 6, p);
    ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                     QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_HELLO_DONE);
    assert_hello(c, h, 700);
    quic_conn_free(c);
    free(h);
    free(p);
    free(dg);
    quic_crypto_free(qc);
}
END_TEST

/* A handshake message longer than TLS_HELLO_MAX, or not a ClientHello:
 * QUIC_BAD, and the connection gives up. */
START_TEST(not_a_usable_hello)
{
    struct quic_crypto *qc = new_crypto();
    static const char *const heads[] = {"01010001", "02000010"};
    size_t i;

    for (i = 0; i < 2; i++) {
        struct quic_conn *c = quic_conn_new(qc);
        struct pl *p = pl_new(), *dg = pl_new();
        uint8_t d[100] = {0};
        size_t n;
        uint8_t *hd = unhex(heads[i], &n);

        memcpy(d, hd, 4);
        add_crypto(p, 0, d, sizeof(d));
        add_pkt(dg, 0, p);
        ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n),
                         QUIC_SEEN_LONG | QUIC_SEEN_INITIAL | QUIC_BAD);
        ck_assert_ptr_null(quic_client_hello(c, NULL));
        ck_assert_uint_lt(quic_conn_memory(c), 1024);
        ck_assert_int_eq(quic_client_datagram(c, dg->b, dg->n), QUIC_SEEN_LONG);
        quic_conn_free(c);
        free(hd);
        free(p);
        free(dg);
    }
    quic_crypto_free(qc);
}
END_TEST

/* Unknown versions, Version Negotiation, Retry, other packet types. */
START_TEST(packet_kinds)
{
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c = quic_conn_new(qc);
    size_t n, vn_len, r_len;
    uint8_t *pkt = unhex(rfc9001_a2_packet, &n), *vn, *r;

    /* An unknown version. */
    pkt[1] = 0x12;
    pkt[2] = 0x34;
    pkt[3] = 0x56;
    pkt[4] = 0x78;
    ck_assert(!quic_is_client_initial(pkt, n));
    ck_assert(!quic_looks_quic(pkt, n));
    ck_assert_int_eq(quic_client_datagram(c, pkt, n), 0);
    /* A reserved version (RFC 9000 §15) is read with draft-29's salt (as
     * ngtcp2 writes it): this v1 packet's AAD and keys no longer match. */
    pkt[1] = 0x1a;
    pkt[2] = 0x2a;
    pkt[3] = 0x3a;
    pkt[4] = 0x4a;
    ck_assert(quic_version_reserved(0x1a2a3a4a));
    ck_assert(!quic_version_reserved(QUIC_V1));
    ck_assert(quic_is_client_initial(pkt, n));
    ck_assert_int_eq(quic_client_datagram(c, pkt, n),
                     QUIC_SEEN_LONG | QUIC_BAD);

    vn = unhex("c000000000088394c8f03e51570808f067a5502a4262b5"
               "000000016b3343cf",
               &vn_len);
    ck_assert(!quic_is_client_initial(vn, vn_len));
    ck_assert_int_eq(quic_client_datagram(c, vn, vn_len), QUIC_SEEN_VN);

    /* v2 Retry is type 0b00 (RFC 9369 §3.2). */
    r = unhex("c06b3343cf0008f067a5502a4262b5746f6b656e"
              "00112233445566778899aabbccddeeff",
              &r_len);
    ck_assert_int_eq(quic_client_datagram(c, r, r_len),
                     QUIC_SEEN_LONG | QUIC_SEEN_RETRY);
    ck_assert(!quic_is_client_initial(r, r_len));
    r[0] = 0xf0; /* in v1 bits 11 are Retry, in v2 Handshake */
    ck_assert(!quic_is_client_initial(r, r_len));

    /* A v1 Handshake packet is delimited and skipped. */
    free(pkt);
    pkt = unhex(rfc9001_a2_packet, &n);
    pkt[0] = 0xe0;
    ck_assert(!quic_is_client_initial(pkt, n));
    ck_assert_int_eq(quic_client_datagram(c, pkt, n), QUIC_SEEN_LONG);
    ck_assert_uint_eq(quic_conn_version(c), 0);

    /* DCID length 21 is malformed in known versions. */
    pkt[0] = 0xc0;
    pkt[5] = 21;
    ck_assert(!quic_is_client_initial(pkt, n));
    ck_assert_int_eq(quic_client_datagram(c, pkt, n), QUIC_BAD);
    quic_conn_free(c);
    free(pkt);
    free(vn);
    free(r);
    quic_crypto_free(qc);
}
END_TEST

START_TEST(cheap_checks)
{
    uint8_t b[32] = {0x41};

    ck_assert(quic_looks_quic(b, 21));
    ck_assert(!quic_looks_quic(b, 20));
    b[0] = 0x01;
    ck_assert(!quic_looks_quic(b, 32));
    ck_assert(!quic_looks_quic(b, 0));
    ck_assert(!quic_is_client_initial(b, 0));
    ck_assert(!quic_is_client_initial(NULL, 10));
    /* c0 00000001 with nothing after */
    b[0] = 0xc0;
    b[4] = 1;
    ck_assert(quic_looks_quic(b, 5));
    ck_assert(!quic_is_client_initial(b, 5));
    ck_assert_ptr_null(quic_client_hello(NULL, NULL));
    quic_conn_free(NULL);
    ck_assert_ptr_null(quic_conn_new(NULL));
    quic_crypto_free(NULL);
}
END_TEST

/* One quic_crypto serves many connections alive at once: 64 of them, each
 * with its own DCID and one of the versions, their ClientHellos in two
 * packets each, the datagrams interleaved across the connections; half are
 * freed midway and 32 new ones made from the same quic_crypto. */
START_TEST(shared_crypto)
{
    enum { NC = 64, HLEN = 1500 };
    static const uint32_t vs[] = {QUIC_V1, QUIC_V2, QUIC_DRAFT29, QUIC_DRAFT27,
                                  QUIC_V2_DRAFT};
    struct quic_crypto *qc = new_crypto();
    struct quic_conn *c[NC + NC / 2];
    uint8_t *h = make_hello(HLEN), dcid[NC + NC / 2][20];
    struct pl *p = pl_new(), *dg = pl_new();
    size_t i, half;

    for (i = 0; i < NC + NC / 2; i++) {
        memset(dcid[i], (int)i, sizeof(dcid[i]));
        dcid[i][0] = (uint8_t)(i >> 8);
    }
    for (i = 0; i < NC; i++) {
        c[i] = quic_conn_new(qc);
        ck_assert_ptr_nonnull(c[i]);
    }
    /* Round one: the first half of every hello; round two: the rest. */
    for (half = 0; half < 2; half++) {
        for (i = 0; i < NC; i++) {
            uint32_t v = vs[i % (sizeof(vs) / sizeof(vs[0]))];
            size_t dlen = i % 21, off = half ? HLEN / 2 : 0;

            p->n = 0;
            add_crypto(p, off, h + off, HLEN / 2);
            dg->n = enc_initial(dg->b, v, dcid[i], dlen, half, 4, p->b, p->n);
            ck_assert_int_eq(quic_client_datagram(c[i], dg->b, dg->n),
                             QUIC_SEEN_LONG | QUIC_SEEN_INITIAL |
                                 (half ? QUIC_HELLO_DONE : 0));
            ck_assert_uint_eq(quic_conn_version(c[i]), v);
        }
        if (half == 0) /* free every other one, make new ones */
            for (i = 0; i < NC; i += 2) {
                quic_conn_free(c[i]);
                c[i] = NULL;
            }
        for (i = NC; half == 0 && i < NC + NC / 2; i++) {
            c[i] = quic_conn_new(qc);
            ck_assert_ptr_nonnull(c[i]);
            p->n = 0;
            add_crypto(p, 0, h, HLEN);
            dg->n = enc_initial(dg->b, QUIC_V1, dcid[i], 8, 0, 1, p->b, p->n);
            ck_assert_int_eq(quic_client_datagram(c[i], dg->b, dg->n),
                             QUIC_SEEN_LONG | QUIC_SEEN_INITIAL |
                                 QUIC_HELLO_DONE);
            assert_hello(c[i], h, HLEN);
        }
        for (i = 0; half == 0 && i < NC; i += 2) { /* the others resume */
            c[i] = quic_conn_new(qc);
            ck_assert_ptr_nonnull(c[i]);
            p->n = 0;
            add_crypto(p, 0, h, HLEN / 2);
            dg->n = enc_initial(dg->b, vs[i % (sizeof(vs) / sizeof(vs[0]))],
                                dcid[i], i % 21, 0, 4, p->b, p->n);
            ck_assert_int_eq(quic_client_datagram(c[i], dg->b, dg->n),
                             QUIC_SEEN_LONG | QUIC_SEEN_INITIAL);
        }
    }
    for (i = 0; i < NC + NC / 2; i++) {
        if (i < NC)
            assert_hello(c[i], h, HLEN);
        quic_conn_free(c[i]);
    }
    quic_crypto_free(qc);
    free(h);
    free(p);
    free(dg);
}
END_TEST

static Suite *
quic_suite(void)
{
    Suite *s = suite_create("quic");
    TCase *tc;
    int nv = (int)(sizeof(vectors) / sizeof(vectors[0]));

    tc = tcase_create("initial_keys");
    tcase_add_test(tc, initial_keys);
    suite_add_tcase(s, tc);
    tc = tcase_create("encoder_matches_vectors");
    tcase_add_loop_test(tc, encoder_matches_vectors, 0, nv);
    suite_add_tcase(s, tc);
    tc = tcase_create("vector_client_initial");
    tcase_add_loop_test(tc, vector_client_initial, 0, nv);
    suite_add_tcase(s, tc);
    tc = tcase_create("reassembly_out_of_order");
    tcase_add_test(tc, reassembly_out_of_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("reassembly_reverse");
    tcase_add_test(tc, reassembly_reverse);
    suite_add_tcase(s, tc);
    tc = tcase_create("retry_new_dcid");
    tcase_add_test(tc, retry_new_dcid);
    suite_add_tcase(s, tc);
    tc = tcase_create("empty_dcid");
    tcase_add_test(tc, empty_dcid);
    suite_add_tcase(s, tc);
    tc = tcase_create("packet_number_reconstruction");
    tcase_add_test(tc, packet_number_reconstruction);
    suite_add_tcase(s, tc);
    tc = tcase_create("every_version");
    tcase_add_test(tc, every_version);
    suite_add_tcase(s, tc);
    tc = tcase_create("largest_hello");
    tcase_add_test(tc, largest_hello);
    suite_add_tcase(s, tc);
    tc = tcase_create("other_frames");
    tcase_add_test(tc, other_frames);
    suite_add_tcase(s, tc);
    tc = tcase_create("forbidden_frame_keeps_prefix");
    tcase_add_test(tc, forbidden_frame_keeps_prefix);
    suite_add_tcase(s, tc);
    tc = tcase_create("range_table_full");
    tcase_add_test(tc, range_table_full);
    suite_add_tcase(s, tc);
    tc = tcase_create("truncated_everywhere");
    tcase_add_test(tc, truncated_everywhere);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);
    tc = tcase_create("bad_tag");
    tcase_add_test(tc, bad_tag);
    suite_add_tcase(s, tc);
    tc = tcase_create("length_out_of_range");
    tcase_add_test(tc, length_out_of_range);
    suite_add_tcase(s, tc);
    tc = tcase_create("crypto_offsets");
    tcase_add_test(tc, crypto_offsets);
    suite_add_tcase(s, tc);
    tc = tcase_create("not_a_usable_hello");
    tcase_add_test(tc, not_a_usable_hello);
    suite_add_tcase(s, tc);
    tc = tcase_create("packet_kinds");
    tcase_add_test(tc, packet_kinds);
    suite_add_tcase(s, tc);
    tc = tcase_create("cheap_checks");
    tcase_add_test(tc, cheap_checks);
    suite_add_tcase(s, tc);
    tc = tcase_create("shared_crypto");
    tcase_add_test(tc, shared_crypto);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return tu_run(quic_suite());
}
